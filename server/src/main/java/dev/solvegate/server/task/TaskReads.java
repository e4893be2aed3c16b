package dev.solvegate.server.task;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Reads of tasks by id for {@link TaskStates}, many in one statement ({@link Tasks#results}).
 *
 * <p>Design note. Clients poll each of their tasks about once a second, and a task not ended is kept in memory for
 * at most a second, so nearly every poll of a pending task reads the database: one statement a poll, each waiting
 * for a connection of its own. Here a read asked while a statement is on its way waits for the next one, which
 * takes every id asked meanwhile (at most {@link #MAX_IDS}, each once however many polls asked it; in the service
 * simulation at 6,000 tasks in flight, 6.3 ids a statement). There is no
 * timer: a read alone goes at once, and under load the statements grow instead of multiplying. Each read still
 * sees the database as of a moment after it was asked, so what {@link TaskStates} promises does not change. A
 * statement that fails fails every read it carried, with the same exception (the API maps it as before: the
 * database unavailable, or the overload gate's refusal).
 *
 * <p>Thread-safety: safe for concurrent use. Each run of statements is one virtual thread, started by the read
 * that found none running; it ends when nothing is asked.
 */
final class TaskReads {

    /** The most ids in one statement. */
    static final int MAX_IDS = 1_024;

    private final Function<Collection<Long>, Map<Long, Tasks.Owned>> statement;
    private final ReentrantLock lock = new ReentrantLock();
    /** Ids asked and not yet taken by a statement, in the order asked. Guarded by {@link #lock}. */
    private Map<Long, Ask> asked = new LinkedHashMap<>();
    /** Reads waiting in {@link #asked} (tests). Guarded by {@link #lock}. */
    private int waiting;
    /** Whether a thread is running statements. Guarded by {@link #lock}. */
    private boolean running;

    /** One id's answer, and how many reads wait for it. */
    private static final class Ask {
        final CompletableFuture<Optional<Tasks.Owned>> answer = new CompletableFuture<>();
        int reads;
    }

    private final AtomicLong statements = new AtomicLong();

    /** @param statement reads the tasks of the given ids; an id without a row has no entry */
    TaskReads(Function<Collection<Long>, Map<Long, Tasks.Owned>> statement) {
        this.statement = statement;
    }

    /** Task {@code id} and its account, as the database has it now; empty when there is no such task. */
    Optional<Tasks.Owned> read(long id) {
        Ask ask;
        boolean start = false;
        lock.lock();
        try {
            ask = asked.computeIfAbsent(id, k -> new Ask());
            ask.reads++;
            waiting++;
            if (!running) {
                running = true;
                start = true;
            }
        } finally {
            lock.unlock();
        }
        if (start) {
            Thread.ofVirtual().name("solvegate-task-reads").start(this::run);
        }
        try {
            return ask.answer.join();
        } catch (CompletionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** Statements run (tests). */
    long statements() {
        return statements.get();
    }

    /** Reads asked and not yet taken by a statement (tests). */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Map<Long, Ask> batch = take();
            if (batch == null) {
                return;
            }
            try {
                statements.incrementAndGet();
                Map<Long, Tasks.Owned> rows = statement.apply(batch.keySet());
                batch.forEach((id, ask) -> ask.answer.complete(Optional.ofNullable(rows.get(id))));
            } catch (Throwable e) { // every read it carried fails with it, and the next statement is tried
                batch.values().forEach(ask -> ask.answer.completeExceptionally(e));
            }
        }
    }

    /** The next statement's ids, or null (and the run ends) when nothing is asked. */
    private Map<Long, Ask> take() {
        lock.lock();
        try {
            if (asked.isEmpty()) {
                running = false;
                return null;
            }
            if (asked.size() <= MAX_IDS) {
                Map<Long, Ask> all = asked;
                asked = new LinkedHashMap<>();
                waiting = 0;
                return all;
            }
            Map<Long, Ask> first = new HashMap<>();
            Iterator<Map.Entry<Long, Ask>> it = asked.entrySet().iterator();
            while (first.size() < MAX_IDS) {
                Map.Entry<Long, Ask> e = it.next();
                first.put(e.getKey(), e.getValue());
                waiting -= e.getValue().reads;
                it.remove();
            }
            return first;
        } finally {
            lock.unlock();
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause);
    }
}
