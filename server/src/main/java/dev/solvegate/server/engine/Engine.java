package dev.solvegate.server.engine;

import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.ProxyDialer;
import dev.solvegate.server.Config;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.store.Database;
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
 * {@link Semaphore} released in each worker's {@code finally}.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} once.
 */
public final class Engine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final int MAX_CLAIM = 32;
    /** Connections the workers may use at once, so that API requests always find one in the pool of 32. */
    private static final int DB_SLOTS = 12;

    private final String owner = "node-" + UUID.randomUUID();
    private final Config config;
    private final Clock clock;
    private final Solvers solvers;
    private final Metrics metrics;
    private final ProxyDialer dialer;
    private final TaskQueue queue;
    private final Settlement settlement;
    private final Callbacks callbacks;
    private final Wakeup wakeup = new Wakeup();
    private final Semaphore slots;
    private final Semaphore dbSlots = new Semaphore(DB_SLOTS, true);
    private final Map<Long, Worker> running = new ConcurrentHashMap<>();
    private final Thread dispatcher;
    private final Sweeper sweeper;
    private final PgListener listener;
    private volatile boolean draining;

    private Engine(Database db, Config config, Solvers solvers, Metrics metrics, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.solvers = solvers;
        this.metrics = metrics;
        AddressGuard guard = new AddressGuard(config.proxyAllowPrivate());
        this.dialer = new ProxyDialer(guard, Duration.ofSeconds(10), Duration.ofSeconds(10));
        this.queue = new TaskQueue(db.jdbi(), db.postgres());
        this.settlement = new Settlement(db.jdbi(), clock);
        this.callbacks = new Callbacks(guard);
        this.slots = new Semaphore(config.workers());
        this.sweeper = new Sweeper(this);
        this.listener = db.postgres() ? new PgListener(config, wakeup) : null;
        this.dispatcher =
                Thread.ofPlatform().name("solvegate-dispatcher").daemon().unstarted(this::dispatch);
        metrics.engineGauges(this::busy, config.workers(), queue::depth, queue::inFlight);
    }

    /** An engine over {@code db}, not yet started: {@link #wake()} may be called already. */
    public static Engine create(Database db, Config config, Solvers solvers, Metrics metrics, Clock clock) {
        return new Engine(db, config, solvers, metrics, clock);
    }

    /** Starts the dispatcher, the lease heartbeat and sweep, and on PostgreSQL the notification listener. */
    public void start() {
        queue.renew(owner, clock.millis() + config.lease().toMillis()); // before any claim: claims need a live lease
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
        return config.workers() - slots.availablePermits();
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
                        long now = clock.millis();
                        claimed = queue.claim(
                                owner, want, now, now + config.lease().toMillis());
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
        Worker w = new Worker(this, t);
        running.put(t.id(), w);
        try {
            Thread.ofVirtual().name("task-" + t.id()).start(() -> {
                try {
                    w.run();
                } finally {
                    running.remove(t.id());
                    slots.release();
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            running.remove(t.id());
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
        int workers = config.workers();
        try {
            if (!slots.tryAcquire(workers, config.drainGrace().toMillis(), TimeUnit.MILLISECONDS)) {
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

    @Override
    public void close() {
        if (!draining) {
            drain();
        }
        sweeper.close();
        if (running.isEmpty()) {
            try {
                queue.retire(owner);
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

    // ---- for the workers and the sweeper ----

    /** Runs one worker transaction within the engine's share of the connection pool. */
    <T> T db(java.util.function.Supplier<T> transaction) {
        dbSlots.acquireUninterruptibly();
        try {
            return transaction.get();
        } finally {
            dbSlots.release();
        }
    }

    String owner() {
        return owner;
    }

    Config config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    Duration solveTimeout() {
        return config.solveTimeout();
    }

    Solvers solvers() {
        return solvers;
    }

    ProxyDialer dialer() {
        return dialer;
    }

    TaskQueue queue() {
        return queue;
    }

    Settlement settlement() {
        return settlement;
    }

    Metrics metrics() {
        return metrics;
    }

    boolean draining() {
        return draining;
    }

    Map<Long, Worker> running() {
        return running;
    }

    /** A task ended (here or by the sweep): count it and deliver its callback. */
    void ended(Settlement.Ended e) {
        metrics.ended(e.outcome().label(), e.endedAt() - e.createdAt());
        if (e.callbackUrl() != null) {
            callbacks.deliver(e);
        }
    }
}
