package dev.solvegate.server.engine;

import dev.solvegate.server.task.Tasks;

/**
 * Tells the other nodes (PostgreSQL {@code NOTIFY solvegate_tasks}) that tasks were queued here, after their
 * admissions committed and in batches: one notice for every admission made while the last one was being sent,
 * from one thread, in a short transaction of its own. An admission never notifies in its own transaction, since a
 * transaction that does holds PostgreSQL's one notification lock from its commit's start to its end, which
 * lined up every admission of every account behind it. This node's dispatcher is woken directly; a lost notice
 * (the database unreachable, the node killed after a commit) delays another node's claim until its next sweep.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} once.
 */
final class QueuedNotices implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QueuedNotices.class.getName());

    /** How long the sender gathers admissions before a notice: a bound on what the batching adds to a claim. */
    private static final long GATHER_MILLIS = 2;

    private final DbSlots db;
    private final Wakeup queued = new Wakeup();
    private final Thread sender;
    private volatile boolean closed;

    QueuedNotices(DbSlots db) {
        this.db = db;
        this.sender =
                Thread.ofPlatform().name("solvegate-queued-notices").daemon().unstarted(this::loop);
    }

    void start() {
        sender.start();
    }

    /** A task was queued here and its admission committed. */
    void queued() {
        queued.signal();
    }

    private void loop() {
        long sent = queued.generation();
        while (!closed) {
            try {
                queued.await(sent, 200);
                long now = queued.generation();
                if (now == sent) {
                    continue;
                }
                Thread.sleep(GATHER_MILLIS);
                sent = queued.generation();
                send();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send() {
        try {
            db.inTransaction(h -> {
                Tasks.notifyWorkers(h);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "could not tell other nodes that tasks were queued (their sweeps will find them): " + e);
        }
    }

    @Override
    public void close() {
        closed = true;
        queued.signal();
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
