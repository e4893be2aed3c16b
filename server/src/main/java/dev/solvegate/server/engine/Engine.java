package dev.solvegate.server.engine;

import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.ProxyDialer;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.task.ClaimedTask;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

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
    private final Thread dispatcher;
    private final Sweeper sweeper;
    private final PgListener listener;
    private volatile boolean draining;

    private Engine(Database db, Config config, Solvers solvers, Metrics metrics, Clock clock) {
        this.workers = config.workers();
        this.drainGrace = config.drainGrace();
        this.clock = clock;
        this.metrics = metrics;
        AddressGuard guard = new AddressGuard(config.proxyAllowPrivate());
        DbSlots dbSlots = new DbSlots(db.jdbi(), DbSlots.share(db.poolSize()));
        this.queue = new NodeQueue(
                dbSlots, "node-" + UUID.randomUUID(), clock, config.lease().toMillis());
        this.attempts = new Attempts(
                solvers,
                new ProxyDialer(guard, Duration.ofSeconds(10), Duration.ofSeconds(10)),
                metrics,
                config.solveTimeout());
        this.callbacks = new Callbacks(guard);
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
                running,
                this::wake);
        this.listener = db.postgres() ? new PgListener(config, wakeup) : null;
        this.dispatcher =
                Thread.ofPlatform().name("solvegate-dispatcher").daemon().unstarted(this::dispatch);
        metrics.engineGauges(this::busy, workers, queue::depth, queue::inFlight);
    }

    /** An engine over {@code db}, not yet started: {@link #wake()} may be called already. */
    public static Engine create(Database db, Config config, Solvers solvers, Metrics metrics, Clock clock) {
        return new Engine(db, config, solvers, metrics, clock);
    }

    /** Starts the dispatcher, the lease heartbeat and sweep, and on PostgreSQL the notification listener. */
    public void start() {
        queue.renew(); // before any claim: claims need a live lease
        if (listener != null) {
            listener.start();
        }
        sweeper.start();
        dispatcher.start();
    }

    /** Tells the dispatcher new work may be queued; cheap, called after each admission on this node. */
    public void wake() {
        wakeup.signal();
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

    private void launch(ClaimedTask t) {
        Worker w = new Worker(t, attempts, queue, settlement, clock, () -> draining);
        running.put(t.id(), w);
        try {
            Thread.ofVirtual().name("task-" + t.id()).start(() -> {
                try {
                    w.run();
                } finally {
                    // only this worker's entry: the task may have been claimed again meanwhile, by a new worker
                    running.remove(t.id(), w);
                    slots.release();
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            running.remove(t.id(), w);
            slots.release();
            throw e;
        }
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
        if (running.isEmpty()) {
            try {
                queue.retire();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not end this node's lease (it expires by itself): " + e);
            }
        }
        if (listener != null) {
            listener.close();
        }
        try {
            dispatcher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A task ended (here or by the sweep): count it and deliver its callback. */
    private void ended(Settlement.Ended e) {
        metrics.ended(e.label(), e.view().endedAt() - e.view().createdAt());
        if (e.callbackUrl() != null) {
            callbacks.deliver(e);
        }
    }
}
