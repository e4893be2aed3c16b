package dev.solvegate.server.task;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * This node's requests waiting for tasks to end (long-poll getTaskResult), woken by the same signals the
 * engine acts on: a settlement on this node, or PostgreSQL's {@code NOTIFY solvegate_ended} from any node,
 * which the node's one listener connection fans out here. The same signals keep the node's {@link TaskStates}
 * coherent. A waiter holds no database connection while it
 * waits, and on a virtual thread no platform thread either; it reads the task again when woken.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class TaskEnds {

    private final ConcurrentHashMap<Long, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final TaskStates states;

    /** Ends that only wake waiters. */
    public TaskEnds() {
        this(null);
    }

    /** Ends that also keep {@code states} coherent (told before any waiter wakes, so its re-read sees the end). */
    public TaskEnds(TaskStates states) {
        this.states = states;
    }

    /** One request's wait for a task's end; close it when done (try-with-resources). */
    public final class Waiter implements AutoCloseable {

        private final long taskId;
        private volatile CountDownLatch signal = new CountDownLatch(1);

        private Waiter(long taskId) {
            this.taskId = taskId;
        }

        /**
         * Waits until the task may have ended (a signal since the last wait) or {@code max} passed; true when
         * signalled. A signal that came before this call is not lost.
         */
        public boolean await(Duration max) throws InterruptedException {
            CountDownLatch s = signal;
            boolean woken = s.await(Math.max(0, max.toNanos()), TimeUnit.NANOSECONDS);
            if (woken) {
                signal = new CountDownLatch(1);
            }
            return woken;
        }

        void wake() {
            signal.countDown();
        }

        @Override
        public void close() {
            waiters.computeIfPresent(taskId, (id, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** Starts watching {@code taskId}: register before reading the task, so that an end in between is seen. */
    public Waiter watch(long taskId) {
        Waiter w = new Waiter(taskId);
        waiters.compute(taskId, (id, set) -> {
            Set<Waiter> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(w);
            return s;
        });
        return w;
    }

    /** Task {@code taskId} ended (here or on another node): its waiters read it again. */
    public void ended(long taskId) {
        if (states != null) {
            states.ended(taskId);
        }
        Set<Waiter> set = waiters.get(taskId);
        if (set != null) {
            set.forEach(Waiter::wake);
        }
    }

    /** Notifications may have been lost (the listener reconnected): every waiter reads its task again. */
    public void endedAll() {
        if (states != null) {
            states.endedAll();
        }
        waiters.values().forEach(set -> set.forEach(Waiter::wake));
    }

    /** Requests waiting now (for tests and metrics). */
    public int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }
}
