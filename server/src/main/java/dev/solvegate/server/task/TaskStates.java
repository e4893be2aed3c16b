package dev.solvegate.server.task;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.store.LogEverySecond;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * This node's view of task states, for the read path (getTaskResult, its long-poll, cancelTask, the reports):
 * a task is read from the database once and then answered from memory while that answer cannot have changed.
 *
 * <p>Design note. An ended task ({@code ready} or {@code failed}) is immutable until it is reaped: its reply is
 * kept as bytes until {@code ended_at + SOLVEGATE_RESULT_TTL} (the database's clock, as the sweep's), from when
 * it answers not found, exactly as the database read did. An ended state read from the database is the truth and
 * is always kept. A task not ended yet is kept as {@code processing} for at most {@link #PENDING_FRESH} from the
 * start of the read that saw it, and dropped at once when its end is told ({@link #ended}: this node's
 * settlements, and on PostgreSQL every node's ends by {@code NOTIFY solvegate_ended}, through {@link TaskEnds});
 * when notifications may have been lost (the listener's connection dropped) every pending entry goes
 * ({@link #endedAll}).
 *
 * <p>Ends are counted per stripe of task ids (an end counts before it drops the entry); a read notes its
 * stripe's count before it asks the database and keeps what it saw as pending only if the count has not moved,
 * checked again after the put, so an end that commits during the read is never hidden behind it (at worst a read
 * is not kept, and the next one asks again).
 *
 * <p>Reads that miss go to the database together, many ids in one statement ({@link TaskReads}). While a pending
 * task is polled it is also read again in the background, with every other polled pending task, a round of
 * {@link #REFRESH_EVERY} before its entry would go stale, and kept by the same rule: a client polling once a
 * second finds its entry fresh and waits for no database read, and the second's bound is unchanged. A hit on an
 * ended task writes nothing; a hit on a pending one notes its id for the refresh (a read of a set, and a write
 * once per refresh).
 *
 * <p>Each entry records the task's account, so another account's task is not found without a database read.
 * Unknown ids are not kept. At most about {@link #MAX_BYTES} (replies and entries; the least used go first), so a
 * node's memory is bounded whatever clients poll and however long tokens are.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class TaskStates {

    /** How long a task seen not ended is answered {@code processing} from memory at most, without a told end. */
    public static final Duration PENDING_FRESH = Duration.ofSeconds(1);

    /** How often pending tasks being polled are read again together, in the background. */
    static final Duration REFRESH_EVERY = Duration.ofMillis(250);

    /** The most memory the kept tasks take, roughly: their replies' bytes and a little per entry. */
    static final long MAX_BYTES = 64L << 20;

    private static final int ENTRY_BYTES = 128;

    private static final byte[] PROCESSING =
            "{\"errorId\":0,\"status\":\"processing\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * A task as this node last read it.
     *
     * @param status {@code ready}, {@code failed}, or {@code processing} for a task not ended
     * @param body the whole reply body (getTaskResult's)
     * @param failure the error a failed task ended with (its reply's status), else null
     * @param goneAt for an ended task, when it stops being shown, epoch ms of the node's clock
     * @param readAtNanos when the read it came from started ({@link System#nanoTime})
     */
    public record Known(long accountId, String status, byte[] body, Refusal failure, long goneAt, long readAtNanos) {
        public boolean ended() {
            return !status.equals("processing");
        }
    }

    private final Function<Collection<Long>, Map<Long, Tasks.Owned>> statement;
    private final TaskReads reads;
    private final Clock clock;
    private final long resultTtlMillis;
    private final long pendingNanos;
    /** The age at which a polled pending entry is refreshed. */
    private final long refreshAtNanos;
    /** Pending tasks polled since their entry was last read or refreshed. */
    private final Set<Long> polled = ConcurrentHashMap.newKeySet();
    /** Whether a thread runs {@link #refreshWhilePolled}. */
    private final AtomicBoolean refreshing = new AtomicBoolean();

    private final AtomicLong refreshed = new AtomicLong();
    private final LogEverySecond refreshFailed = new LogEverySecond(System.getLogger(TaskStates.class.getName()));
    private final Cache<Long, Known> states;
    /** Ends told, per stripe of task ids: a read keeps a pending state only if its stripe saw none meanwhile. */
    private final AtomicLongArray ends = new AtomicLongArray(STRIPES);

    private static final int STRIPES = 256;

    public TaskStates(Jdbi jdbi, Clock clock, Duration resultTtl) {
        this.statement = ids -> jdbi.withHandle(h -> Tasks.results(h, ids));
        this.reads = new TaskReads(statement);
        this.clock = clock;
        this.resultTtlMillis = resultTtl.toMillis();
        this.pendingNanos = PENDING_FRESH.toNanos();
        this.refreshAtNanos = pendingNanos - REFRESH_EVERY.toNanos();
        this.states = Caffeine.newBuilder()
                .maximumWeight(MAX_BYTES)
                .weigher((Long id, Known k) -> ENTRY_BYTES + k.body().length)
                .expireAfter(new Keep())
                .executor(Runnable::run)
                .build();
    }

    /**
     * Task {@code id} of account {@code accountId}: from memory when this node knows it, else read (and kept).
     * Empty when unknown, another account's, or past its retention.
     */
    public Optional<Known> find(long accountId, long id) {
        Known k = states.getIfPresent(id);
        if (k != null) {
            if (k.ended() && clock.millis() >= k.goneAt()) {
                states.asMap().remove(id, k);
                return Optional.empty(); // reaped, or about to be: the database would not show it either
            }
            if (k.ended()) {
                return k.accountId() == accountId ? Optional.of(k) : Optional.empty();
            }
            if (System.nanoTime() - k.readAtNanos() < pendingNanos) {
                if (k.accountId() != accountId) {
                    return Optional.empty();
                }
                polled(id);
                return Optional.of(k);
            }
        }
        Optional<Known> read = read(id).filter(r -> r.accountId() == accountId);
        if (read.isPresent() && !read.get().ended()) {
            polled(id);
        }
        return read;
    }

    private Optional<Known> read(long id) {
        int stripe = stripe(id);
        long seen = ends.get(stripe);
        long readAt = System.nanoTime();
        Optional<Tasks.Owned> row = reads.read(id);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Optional<Known> known = known(row.get(), readAt);
        known.ifPresent(k -> keep(id, k, stripe, seen, false));
        return known;
    }

    /** What {@code row}, read from {@code readAt} on, shows; empty when past its retention. */
    private Optional<Known> known(Tasks.Owned row, long readAt) {
        TaskView t = row.view();
        long accountId = row.accountId();
        if (t.endedAt() == null) {
            return Optional.of(new Known(accountId, "processing", PROCESSING, null, 0, readAt));
        }
        long goneAt = t.endedAt() + resultTtlMillis;
        if (clock.millis() >= goneAt) {
            return Optional.empty();
        }
        return Optional.of(
                t.status().equals("ready")
                        ? new Known(
                                accountId, "ready", bytes(ResultBody.ready(t).toString()), null, goneAt, readAt)
                        : new Known(
                                accountId,
                                "failed",
                                bytes(ResultBody.failed(t).toString()),
                                ResultBody.failure(t),
                                goneAt,
                                readAt));
    }

    /**
     * Keeps {@code k}, read while {@code stripe}'s end count was {@code seen}: an ended state always (it is the
     * truth); a pending one only if no end was told in that stripe since, checked again after the put. A refresh
     * ({@code onlyIfKept}) replaces a pending entry still kept and adds none.
     */
    private void keep(long id, Known k, int stripe, long seen, boolean onlyIfKept) {
        if (k.ended()) {
            if (onlyIfKept) {
                states.asMap().computeIfPresent(id, (key, old) -> k);
            } else {
                states.put(id, k);
            }
            return;
        }
        if (ends.get(stripe) != seen) {
            return;
        }
        if (onlyIfKept) {
            states.asMap().computeIfPresent(id, (key, old) -> old.ended() ? old : k);
        } else {
            states.put(id, k);
        }
        if (ends.get(stripe) != seen) {
            states.asMap().remove(id, k); // an end was told meanwhile: the next read asks again
        }
    }

    /** A pending task was polled: it is refreshed in the background before its entry is a second old. */
    private void polled(long id) {
        if (!polled.contains(id)) {
            polled.add(id);
        }
        if (!refreshing.get() && refreshing.compareAndSet(false, true)) { // read first: no CAS storm on every hit
            Thread.ofVirtual().name("solvegate-task-refresh").start(this::refreshWhilePolled);
        }
    }

    /**
     * Every {@link #REFRESH_EVERY}, reads again together the pending tasks polled since their entry was read whose
     * entry is about to go stale (a round before {@link #PENDING_FRESH}): a client that polls once a second (a
     * second after its last reply) finds its entry read a quarter second or less before; a refresh right after the
     * poll would be a second old again at the next one. Ends when nothing is polled.
     */
    private void refreshWhilePolled() {
        while (true) {
            try {
                Thread.sleep(REFRESH_EVERY);
            } catch (InterruptedException e) {
                refreshing.set(false);
                return;
            }
            List<Long> due = new ArrayList<>();
            long now = System.nanoTime();
            for (Iterator<Long> it = polled.iterator(); it.hasNext(); ) {
                long id = it.next();
                Known k = states.getIfPresent(id);
                if (k == null || k.ended()) {
                    it.remove();
                } else if (now - k.readAtNanos() >= refreshAtNanos) {
                    it.remove();
                    due.add(id);
                }
            }
            for (int from = 0; from < due.size(); from += TaskReads.MAX_IDS) {
                List<Long> batch = due.subList(from, Math.min(due.size(), from + TaskReads.MAX_IDS));
                try {
                    refresh(batch);
                } catch (RuntimeException e) { // not the statement's (refresh() keeps those): a defect, logged
                    refreshFailed.warn(() -> "refreshing " + batch.size() + " pending task(s) failed: " + e);
                }
            }
            if (polled.isEmpty()) {
                refreshing.set(false);
                // a poll that added its id just before the flag went down started no refresher: take over
                if (polled.isEmpty() || !refreshing.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }

    private void refresh(List<Long> ids) {
        long[] seen = new long[ids.size()];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = ends.get(stripe(ids.get(i)));
        }
        long readAt = System.nanoTime();
        Map<Long, Tasks.Owned> rows;
        try {
            rows = statement.apply(ids);
        } catch (RuntimeException e) {
            // not logged: the entries age out and the next polls read for themselves and get the failure as their
            // answer, logged where it is (the overload gate's line, the database's); a refresh adds no line to those
            return;
        }
        for (int i = 0; i < seen.length; i++) {
            long id = ids.get(i);
            Tasks.Owned row = rows.get(id);
            Optional<Known> known = row == null ? Optional.empty() : known(row, readAt);
            if (known.isEmpty()) { // gone (reaped, or past its retention): the next poll asks the database
                states.asMap().computeIfPresent(id, (key, k) -> k.ended() ? k : null);
            } else {
                keep(id, known.get(), stripe(id), seen[i], true);
            }
        }
        refreshed.addAndGet(ids.size());
    }

    private static int stripe(long id) {
        return (int) (id ^ (id >>> 17)) & (STRIPES - 1);
    }

    /** Task {@code id} ended (here, or on another node): a pending or loading entry of it goes. */
    public void ended(long id) {
        ends.incrementAndGet(stripe(id)); // first: a read that put its entry before this sees it next and drops it
        states.asMap().computeIfPresent(id, (key, k) -> k.ended() ? k : null);
    }

    /** Ends may have been missed (the listener lost its connection): every task not known ended goes. */
    public void endedAll() {
        for (int i = 0; i < STRIPES; i++) {
            ends.incrementAndGet(i);
        }
        states.asMap().values().removeIf(k -> !k.ended());
    }

    /** Statements the polls that missed have run (tests). */
    long reads() {
        return reads.statements();
    }

    /** Pending tasks read again in the background so far (tests). */
    long refreshed() {
        return refreshed.get();
    }

    /** Tasks kept now (tests). */
    long size() {
        states.cleanUp();
        return states.estimatedSize();
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** How long an entry stays in memory: the checks in {@link #find} decide what it answers. */
    private final class Keep implements Expiry<Long, Known> {
        @Override
        public long expireAfterCreate(Long id, Known k, long now) {
            return k.ended()
                    ? Math.max(0, Duration.ofMillis(k.goneAt() - clock.millis()).toNanos())
                    : 2 * pendingNanos; // find() answers it for pendingNanos; the refresh finds it a while longer
        }

        @Override
        public long expireAfterUpdate(Long id, Known k, long now, long currentDuration) {
            return expireAfterCreate(id, k, now);
        }

        @Override
        public long expireAfterRead(Long id, Known k, long now, long currentDuration) {
            return currentDuration;
        }
    }
}
