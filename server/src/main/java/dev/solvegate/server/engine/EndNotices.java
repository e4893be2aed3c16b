package dev.solvegate.server.engine;

import dev.solvegate.server.task.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Tells the other nodes (PostgreSQL) which tasks ended here: ids are queued after their settlement committed
 * and sent by one thread in batches ({@link Tasks#notifyEnded}, up to {@link Tasks#ENDS_PER_NOTICE} per
 * notice), in short transactions of their own. So settlements never NOTIFY themselves — PostgreSQL serialises
 * the commits of notifying transactions on one lock — and a burst of ends costs a few notices, not one each.
 * A notice lost (the database unreachable, the node killed between a commit and its notice) delays only what
 * waits for it: a long-poll answers at its time limit, and a cancelled task's solver is stopped by the next
 * heartbeat.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} once.
 */
final class EndNotices implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EndNotices.class.getName());

    private final DbSlots db;
    private final LinkedBlockingQueue<Long> pending = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean closed;

    EndNotices(DbSlots db) {
        this.db = db;
        this.sender = Thread.ofPlatform().name("solvegate-end-notices").daemon().unstarted(this::loop);
    }

    void start() {
        sender.start();
    }

    /** Task {@code id} ended here and its end committed. */
    void ended(long id) {
        pending.add(id);
    }

    private void loop() {
        List<Long> batch = new ArrayList<>();
        while (!closed || !pending.isEmpty()) {
            try {
                Long first = pending.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, Tasks.ENDS_PER_NOTICE - 1);
                send(batch);
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<Long> ids) {
        try {
            db.inTransaction(h -> {
                Tasks.notifyEnded(h, ids);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "could not tell other nodes that " + ids.size() + " task(s) ended (waits end at their limit): "
                            + e);
        }
    }

    /** Sends what is queued (for at most 2 s), then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
