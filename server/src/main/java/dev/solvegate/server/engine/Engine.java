package dev.solvegate.server.engine;

import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.ProxyDialer;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.task.ClaimedTask;
import dev.solvegate.server.task.QueueStats;
import dev.solvegate.server.task.TaskEnds;
import dev.solvegate.server.task.Tasks;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The task engine of one node: claims queued tasks and runs up to {@code SOLVEGATE_WORKERS} of them at once,
 * each on a virtual thread, then settles them (see {@code docs/ARCHITECTURE.md}).
 *
 * <p>One dispatcher thread takes a free worker slot, claims as many tasks as there are free slots, starts a
 * worker per task, and when the queue is empty sleeps until {@link #wake()} (a task accepted on this node),
 * a PostgreSQL notification (accepted or handed back on any node), or the periodic sweep. Slots are a
 * {@link Semaphore} released in each worker's {@code finally}. Each worker and the sweeper get the
 * collaborators they use; every database call of the engine goes through one {@link DbSlots}.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} once.
 */
public final class Engine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final int MAX_CLAIM = 32;

    private final int workers;
    private final Duration drainGrace;
    private final Clock clock;
    private final Metrics metrics;
    private final NodeQueue queue;
    private final Attempts attempts;
    private final Settlement settlement;
    private final Callbacks callbacks;
    private final Wakeup wakeup = new Wakeup();
    private final Semaphore slots;
    private final Map<Long, Worker> running = new ConcurrentHashMap<>();
    /** Tasks whose worker left them held by this node (abandoned, or not settled): their attempt ran. */
    private final Set<Long> leftHeld = ConcurrentHashMap.newKeySet();

    private final Thread dispatcher;
    private final Sweeper sweeper;
    private final PgListener listener;
    private final TaskEnds ends;
    private final EndNotices notices;
    private final QueuedNotices queuedNotices;
    private volatile boolean draining;

    private Engine(
            Database db,
            Config config,
            Solvers solvers,
            Metrics metrics,
            Clock clock,
            TaskEnds ends,
            Consumer<String> onChanged) {
        this.ends = ends;
        this.workers = config.workers();
        this.drainGrace = config.drainGrace();
        this.clock = clock;
        this.metrics = metrics;
        AddressGuard guard = new AddressGuard(config.proxyAllowPrivate());
        DbSlots dbSlots = new DbSlots(db.engineJdbi(), DbSlots.share(db.poolSize()));
        this.queue = new NodeQueue(
                dbSlots,
                new DbSlots(db.leaseJdbi(), 1),
                "node-" + UUID.randomUUID(),
                clock,
                config.lease().toMillis(),
                workers,
                this::busy);
        this.attempts = new Attempts(
                solvers,
                new ProxyDialer(guard, Duration.ofSeconds(10), Duration.ofSeconds(10)),
                metrics,
                config.solveTimeout(),
                config.maxAttempts());
        this.callbacks = new Callbacks(dbSlots, queue.owner(), clock, guard);
        this.settlement = new Settlement(dbSlots, clock, this::ended);
        this.slots = new Semaphore(workers);
        this.sweeper = new Sweeper(
                queue,
                settlement,
                clock,
                config.lease(),
                config.taskTimeout(),
                config.solveTimeout(),
                config.resultTtl(),
                config.maxAttempts(),
                config.idempotencyTtl(),
                running,
                leftHeld,
                this::adopt,
                this::wake);
        this.listener =
                db.postgres() ? new PgListener(config, wakeup, this::endedElsewhere, ends::endedAll, onChanged) : null;
        this.notices = db.postgres() ? new EndNotices(dbSlots) : null;
        this.queuedNotices = db.postgres() ? new QueuedNotices(dbSlots) : null;
        this.dispatcher =
                Thread.ofPlatform().name("solvegate-dispatcher").daemon().unstarted(this::dispatch);
        metrics.engineGauges(this::busy, workers, queue::depth, queue::inFlight);
    }

    /** An engine over {@code db}, not yet started: {@link #wake()} may be called already. */
    public static Engine create(Database db, Config config, Solvers solvers, Metrics metrics, Clock clock) {
        return create(db, config, solvers, metrics, clock, new TaskEnds());
    }

    /** As above, telling {@code ends} of every task end, on this node or (PostgreSQL) any other. */
    public static Engine create(
            Database db, Config config, Solvers solvers, Metrics metrics, Clock clock, TaskEnds ends) {
        return create(db, config, solvers, metrics, clock, ends, what -> {});
    }

    /**
     * As above, also telling {@code onChanged} of every {@code store.Changes} notice from any node (PostgreSQL),
     * on the listener's thread: it must not block.
     */
    public static Engine create(
            Database db,
            Config config,
            Solvers solvers,
            Metrics metrics,
            Clock clock,
            TaskEnds ends,
            Consumer<String> onChanged) {
        return new Engine(db, config, solvers, metrics, clock, ends, onChanged);
    }

    /**
     * Cancels a task of {@code accountId} that has not ended (cancelTask): it ends at once with {@code
     * ERROR_TASK_CANCELLED}, through the settlement and its guard, so a solver finishing at the same moment
     * and the cancellation settle exactly once between them; a solver running for it on this node or (by the
     * end's notification) another is stopped. False when the task had ended, was another account's, or
     * does not exist.
     */
    public boolean cancel(long accountId, long taskId) {
        return settlement.settle(taskId, Outcome.cancelledByClient(), Tasks.Guard.client(accountId));
    }

    /** Starts the dispatcher, the lease heartbeat and sweep, and on PostgreSQL the notification listener. */
    public void start() {
        queue.renew(); // before any claim: claims need a live lease
        if (listener != null) {
            listener.start();
            notices.start();
            queuedNotices.start();
        }
        sweeper.start();
        callbacks.start();
        dispatcher.start();
    }

    /** Tells the dispatcher new work may be queued. */
    public void wake() {
        wakeup.signal();
    }

    /**
     * A task was admitted here and its admission committed: wakes this node's dispatcher, and on PostgreSQL tells
     * the other nodes, in batches after the commit ({@link QueuedNotices}). Cheap; called after each admission.
     */
    public void queued() {
        wakeup.signal();
        if (queuedNotices != null) {
            queuedNotices.queued();
        }
    }

    /**
     * The queue on all live nodes (getQueueStats), with the mean time to ready of the last {@code window}. One
     * query of the engine's share of the pool; callers cache it.
     */
    public QueueStats queueStats(Duration window) {
        return queue.stats(clock.millis() - window.toMillis());
    }

    /** Solves running on this node now. */
    public int busy() {
        return workers - slots.availablePermits();
    }

    private void dispatch() {
        while (!draining) {
            try {
                long seen = wakeup.generation();
                slots.acquire();
                int want = 1 + slots.drainPermits();
                if (want > MAX_CLAIM) {
                    slots.release(want - MAX_CLAIM);
                    want = MAX_CLAIM;
                }
                List<ClaimedTask> claimed = List.of();
                try {
                    if (!draining) {
                        claimed = queue.claim(want);
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "claiming tasks failed; retrying", e);
                } finally {
                    slots.release(want - claimed.size());
                }
                for (ClaimedTask t : claimed) {
                    metrics.claimed(clock.millis() - t.createdAt());
                    launch(t);
                }
                if (claimed.size() < want && !draining) {
                    wakeup.await(seen, sweeper.intervalMillis());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Starts a worker for {@code t} on a slot already taken; false (the slot given back) when a worker of this node
     * runs that attempt already. A worker still running an older attempt of the task (it was taken from this node
     * and claimed again, by this node) is stopped: its attempt is fenced off and would not settle.
     */
    private boolean launch(ClaimedTask t) {
        Worker w = new Worker(t, attempts, queue, settlement, clock, () -> draining);
        Worker[] stale = new Worker[1];
        Worker now = running.compute(t.id(), (id, old) -> {
            if (old != null && old.attempt() >= t.attempt()) {
                return old;
            }
            stale[0] = old;
            return w;
        });
        if (now != w) {
            slots.release();
            return false;
        }
        if (stale[0] != null) {
            stale[0].stop(Worker.Stop.ABANDON);
        }
        try {
            Thread.ofVirtual().name("task-" + t.id()).start(() -> {
                try {
                    w.run();
                } finally {
                    // only this worker's entry: the task may have been claimed again meanwhile, by a new worker
                    running.remove(t.id(), w);
                    if (w.leftHeld()) {
                        leftHeld.add(t.id());
                    }
                    slots.release();
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            running.remove(t.id(), w);
            slots.release();
            throw e;
        }
        return true;
    }

    /**
     * Runs a task this node holds although no worker of its ever ran this attempt: a claim that committed but
     * whose reply was lost (a connection cut at the commit). Its attempt is run here, once, rather than handed back
     * and counted a second time. False when no worker slot is free (the caller hands it back).
     */
    private boolean adopt(long taskId) {
        if (draining || !slots.tryAcquire()) {
            return false;
        }
        Optional<ClaimedTask> t;
        try {
            t = queue.held(taskId);
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        if (t.isEmpty()) {
            slots.release(); // no longer held: nothing to run or hand back
            return true;
        }
        launch(t.get());
        return true;
    }

    /**
     * Stops taking work, lets running solves finish for up to {@code SOLVEGATE_DRAIN_GRACE}, then hands the
     * rest back to the queue for another node. Returns when every worker has left.
     */
    public void drain() {
        draining = true;
        wakeup.signal();
        dispatcher.interrupt();
        try {
            if (!slots.tryAcquire(workers, drainGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.INFO, "drain: handing back " + running.size() + " running task(s)");
                running.values().forEach(w -> w.stop(Worker.Stop.HAND_BACK));
                if (!slots.tryAcquire(workers, 5, TimeUnit.SECONDS)) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "drain: " + running.size() + " worker(s) did not leave in 5 s");
                    return;
                }
            }
            slots.release(workers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tasks running on this node now (their number; for drain messages). */
    public int running() {
        return running.size();
    }

    @Override
    public void close() {
        if (!draining) {
            drain();
        }
        sweeper.close();
        callbacks.close();
        if (running.isEmpty()) {
            try {
                queue.retire();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not end this node's lease (it expires by itself): " + e);
            }
        }
        if (listener != null) {
            notices.close();
            queuedNotices.close();
            listener.close();
        }
        try {
            dispatcher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A task ended on another node (or this one, the notification coming back): wake waiters, stop its solver. */
    private void endedElsewhere(long taskId) {
        ends.ended(taskId);
        stopIfRunning(taskId);
    }

    /** A worker still running for a task that has ended (it was cancelled) gives it up without settling. */
    private void stopIfRunning(long taskId) {
        Worker w = running.get(taskId);
        if (w != null) {
            w.stop(Worker.Stop.ABANDON);
        }
    }

    /** A task ended here (by its worker, the sweep or a cancellation): count it, wake waiters, send its callback. */
    private void ended(Settlement.Ended e) {
        metrics.ended(e.label(), e.view().endedAt() - e.view().createdAt());
        ends.ended(e.view().id());
        stopIfRunning(e.view().id());
        if (notices != null) {
            notices.ended(e.view().id());
        }
        if (e.callbackUrl() != null) {
            callbacks.wake();
        }
    }
}
