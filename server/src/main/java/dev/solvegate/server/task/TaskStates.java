package dev.solvegate.server.task;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.solvegate.server.core.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jdbi.v3.core.Jdbi;

/**
 * This node's view of task states, for the read path (getTaskResult, its long-poll, cancelTask, the reports):
 * a task is read from the database once and then answered from memory while that answer cannot have changed.
 *
 * <p>Design note. An ended task ({@code ready} or {@code failed}) is immutable until it is reaped: its reply is
 * kept as bytes until {@code ended_at + SOLVEGATE_RESULT_TTL} (the database's clock, as the sweep's), from when
 * it answers not found, exactly as the database read did. A task not ended yet is kept as {@code processing}
 * for at most {@link #PENDING_FRESH} from the start of the read that saw it, and dropped at once when its end is
 * told ({@link #ended}: this node's settlements, and on PostgreSQL every node's ends by {@code NOTIFY
 * solvegate_ended}, through {@link TaskEnds}); when notifications may have been lost (the listener's connection
 * dropped) every pending entry goes ({@link #endedAll}). Ends are counted per stripe of task ids (an end counts
 * before it drops the entry); a read notes its stripe's count before it asks the database and keeps what it saw
 * as pending only if the count has not moved, checked again after the put, so an end that commits during the
 * read is never hidden behind it (at worst a read is not kept, and the next one asks again). A hit writes
 * nothing. An ended state read from the database is the truth and is always kept. Reads that miss go to the
 * database together, many ids in one statement ({@link TaskReads}). Each entry records the task's account, so another account's task is not found
 * without a database read. Unknown ids are not kept. At most about {@link #MAX_BYTES} (replies and entries;
 * the least used go first), so a node's memory is bounded whatever clients poll and however long tokens are.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class TaskStates {

    /** How long a task seen not ended is answered {@code processing} from memory at most, without a told end. */
    public static final Duration PENDING_FRESH = Duration.ofSeconds(1);

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

    private final TaskReads reads;
    private final Clock clock;
    private final long resultTtlMillis;
    private final long pendingNanos;
    private final Cache<Long, Known> states;
    /** Ends told, per stripe of task ids: a read keeps a pending state only if its stripe saw none meanwhile. */
    private final AtomicLongArray ends = new AtomicLongArray(STRIPES);

    private static final int STRIPES = 256;

    public TaskStates(Jdbi jdbi, Clock clock, Duration resultTtl) {
        this(jdbi, clock, resultTtl, PENDING_FRESH);
    }

    TaskStates(Jdbi jdbi, Clock clock, Duration resultTtl, Duration pendingFresh) {
        this.reads = new TaskReads(ids -> jdbi.withHandle(h -> Tasks.results(h, ids)));
        this.clock = clock;
        this.resultTtlMillis = resultTtl.toMillis();
        this.pendingNanos = pendingFresh.toNanos();
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
            if (k.ended() || System.nanoTime() - k.readAtNanos() < pendingNanos) {
                return k.accountId() == accountId ? Optional.of(k) : Optional.empty();
            }
        }
        return read(id).filter(r -> r.accountId() == accountId);
    }

    private Optional<Known> read(long id) {
        int stripe = stripe(id);
        long seen = ends.get(stripe);
        long readAt = System.nanoTime();
        Optional<Tasks.Owned> row = reads.read(id);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        TaskView t = row.get().view();
        long accountId = row.get().accountId();
        if (t.endedAt() == null) {
            Known k = new Known(accountId, "processing", PROCESSING, null, 0, readAt);
            if (ends.get(stripe) == seen) {
                states.put(id, k);
                if (ends.get(stripe) != seen) {
                    states.asMap().remove(id, k); // an end was told meanwhile: the next read asks again
                }
            }
            return Optional.of(k);
        }
        long goneAt = t.endedAt() + resultTtlMillis;
        if (clock.millis() >= goneAt) {
            return Optional.empty();
        }
        Known k = t.status().equals("ready")
                ? new Known(accountId, "ready", bytes(ResultBody.ready(t).toString()), null, goneAt, readAt)
                : new Known(
                        accountId,
                        "failed",
                        bytes(ResultBody.failed(t).toString()),
                        ResultBody.failure(t),
                        goneAt,
                        readAt);
        states.put(id, k);
        return Optional.of(k);
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
                    : pendingNanos;
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
