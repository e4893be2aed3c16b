package dev.solvegate.server.engine;

import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.task.Tasks;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * The engine's two clocks: the heartbeat, which renews this node's lease (one row in {@code nodes}, however
 * many tasks it runs) every third of a lease, and the
 * sweep, a safety net every half lease (at most 5 s) that every node runs:
 *
 * <ul>
 *   <li>a solving task whose node's lease expired (the node died) is re-queued when a whole attempt still fits
 *       before its deadline and it has had fewer than {@code SOLVEGATE_MAX_ATTEMPTS} attempts, else ended with
 *       {@code ERROR_TASK_CANCELLED};
 *   <li>a queued task past its deadline is ended with {@code ERROR_TASK_TIMEOUT};
 *   <li>ended tasks past {@code SOLVEGATE_RESULT_TTL} are deleted (their ledger rows stay), and
 *       {@code Idempotency-Key} records past {@code SOLVEGATE_IDEMPOTENCY_TTL} forgotten;
 *   <li>the dispatcher is woken, in case a notification was missed.
 * </ul>
 *
 * If the heartbeat cannot renew for most of a lease, this node abandons its running tasks (stops their
 * solvers without settling), because another node may soon re-run them: a task runs at most once at a time.
 *
 * <p>Thread-safety: safe for concurrent use; its two jobs run on their own threads.
 */
final class Sweeper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());
    private static final int BATCH = 100;

    private final NodeQueue queue;
    private final Settlement settlement;
    private final Clock clock;
    private final long leaseMillis;
    private final long solveMillis;
    private final Duration taskTimeout;
    private final long resultTtlMillis;
    private final int maxAttempts;
    private final long idempotencyTtlMillis;
    private final Map<Long, Worker> running;
    private final Set<Long> leftHeld;
    private final LongPredicate adopt;
    private final Runnable wake;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("solvegate-sweeper-", 0).daemon().factory());
    private volatile long lastRenewal;
    /** Tasks held without a worker at the last heartbeat, and since when; touched by the heartbeat thread only. */
    private Map<Long, Long> suspects = Map.of();

    /**
     * @param running the workers of this node by task id, as the engine keeps them
     * @param leftHeld tasks whose worker left them held by this node, as the engine records them
     * @param adopt runs a task this node holds that no worker of its ran (false when it cannot now)
     * @param wake wakes the dispatcher
     */
    Sweeper(
            NodeQueue queue,
            Settlement settlement,
            Clock clock,
            Duration lease,
            Duration taskTimeout,
            Duration solveTimeout,
            Duration resultTtl,
            int maxAttempts,
            Duration idempotencyTtl,
            Map<Long, Worker> running,
            Set<Long> leftHeld,
            LongPredicate adopt,
            Runnable wake) {
        this.queue = queue;
        this.settlement = settlement;
        this.clock = clock;
        this.leaseMillis = lease.toMillis();
        this.solveMillis = solveTimeout.toMillis();
        this.taskTimeout = taskTimeout;
        this.resultTtlMillis = resultTtl.toMillis();
        this.maxAttempts = maxAttempts;
        this.idempotencyTtlMillis = idempotencyTtl.toMillis();
        this.running = running;
        this.leftHeld = leftHeld;
        this.adopt = adopt;
        this.wake = wake;
    }

    long intervalMillis() {
        return Math.clamp(leaseMillis / 2, 50, 5000);
    }

    void start() {
        lastRenewal = clock.millis();
        long beat = Math.max(10, leaseMillis / 3);
        timer.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::sweep, 0, intervalMillis(), TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        long now = clock.millis();
        // the snapshot is taken before the database is read: every task in it was claimed (committed) before,
        // so a task missing from the answer was really lost (or just settled by its own worker)
        Map<Long, Worker> running = Map.copyOf(this.running);
        try {
            queue.renew();
            lastRenewal = now;
            Set<Long> mine = queue.owned();
            running.forEach((id, w) -> {
                if (!mine.contains(id)) {
                    LOG.log(System.Logger.Level.INFO, "task " + id + ": no longer held by this node; abandoning it");
                    w.stop(Worker.Stop.ABANDON);
                }
            });
            handBackStrays(mine);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "lease heartbeat failed: " + e);
            if (now - lastRenewal > leaseMillis - leaseMillis / 5 && !running.isEmpty()) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "lease about to expire: abandoning " + running.size() + " task(s)");
                running.values().forEach(w -> w.stop(Worker.Stop.ABANDON));
            }
        }
    }

    /**
     * Deals with tasks this node holds without a worker running them. A task claimed a moment ago may not have its
     * worker registered yet (on a loaded machine the dispatcher can take a while between the claim's commit and the
     * worker's start), so only a task seen so at every heartbeat for a whole lease is acted on:
     *
     * <ul>
     *   <li>a task whose worker left it held (abandoned when the lease could not be renewed, or not settled) is
     *       handed back to the queue: its attempt ran, and the next one is counted when it is claimed again;
     *   <li>a task no worker of this node ever ran (a claim that committed, but whose reply was lost) is run here
     *       ({@code adopt}), so that an attempt that never started is not counted; handed back when no worker
     *       slot is free.
     * </ul>
     */
    private void handBackStrays(Set<Long> mine) {
        long now = clock.millis();
        Map<Long, Long> strays = new HashMap<>();
        for (long id : mine) {
            if (!running.containsKey(id)) {
                strays.put(id, suspects.getOrDefault(id, now));
            }
        }
        leftHeld.retainAll(mine);
        strays.forEach((id, since) -> {
            if (now - since < leaseMillis) {
                return;
            }
            if (!leftHeld.remove(id) && adopt.test(id)) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "task " + id + ": held since a claim whose reply was lost; running it");
            } else if (queue.handBackStray(id)) {
                LOG.log(System.Logger.Level.WARNING, "task " + id + ": held without a worker; handed back");
            }
        });
        suspects = strays;
    }

    private void sweep() {
        try {
            long now = clock.millis();
            // a backlog (a node back from an outage) is worked off in batches for as long as one interval allows,
            // not one batch per interval
            long budget = System.nanoTime() + intervalMillis() * 1_000_000L;
            List<Tasks.Expired> expired;
            do {
                expired = queue.expired(now, BATCH);
                for (Tasks.Expired x : expired) {
                    if (now + solveMillis <= x.deadline() && x.solveCount() < maxAttempts) {
                        if (queue.requeueExpired(x.id(), now)) {
                            LOG.log(System.Logger.Level.INFO, "task " + x.id() + ": lease expired, re-queued");
                        }
                    } else {
                        settlement.settle(
                                x.id(), Outcome.failed(ErrorCode.ERROR_TASK_CANCELLED), Tasks.Guard.orphaned(now));
                    }
                }
            } while (expired.size() == BATCH && System.nanoTime() < budget);
            List<Long> overdue;
            do {
                overdue = queue.overdue(now, BATCH);
                for (long id : overdue) {
                    settlement.settle(
                            id, Outcome.timedOut(ErrorCode.ERROR_TASK_TIMEOUT, taskTimeout), Tasks.Guard.overdue(now));
                }
            } while (overdue.size() == BATCH && System.nanoTime() < budget);
            queue.reap(now - resultTtlMillis, 1000);
            queue.forgetIdempotencyKeys(now - idempotencyTtlMillis, 1000);
            queue.forgetNodes(now - 100 * leaseMillis);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "sweep failed: " + e);
        }
        wake.run();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
