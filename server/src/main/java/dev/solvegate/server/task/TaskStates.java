package dev.solvegate.server.task;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.solvegate.server.core.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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
 * dropped) every pending entry goes ({@link #endedAll}). A read marks the task as loading before it asks the
 * database, and keeps what it saw as pending only if no end was told meanwhile (the mark is still there), so an
 * end that commits during the read is never hidden behind it; an ended state read from the database is the
 * truth and is always kept. Each entry records the task's account, so another account's task is not found
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

    /** A read in progress: kept in the map only to tell whether an end came while the database was asked. */
    private static final class Loading {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final long resultTtlMillis;
    private final long pendingNanos;
    private final Cache<Long, Object> states;

    public TaskStates(Jdbi jdbi, Clock clock, Duration resultTtl) {
        this(jdbi, clock, resultTtl, PENDING_FRESH);
    }

    TaskStates(Jdbi jdbi, Clock clock, Duration resultTtl, Duration pendingFresh) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.resultTtlMillis = resultTtl.toMillis();
        this.pendingNanos = pendingFresh.toNanos();
        this.states = Caffeine.newBuilder()
                .maximumWeight(MAX_BYTES)
                .weigher((Long id, Object s) -> s instanceof Known k ? ENTRY_BYTES + k.body().length : ENTRY_BYTES)
                .expireAfter(new Keep())
                .executor(Runnable::run)
                .build();
    }

    /**
     * Task {@code id} of account {@code accountId}: from memory when this node knows it, else read (and kept).
     * Empty when unknown, another account's, or past its retention.
     */
    public Optional<Known> find(long accountId, long id) {
        if (states.getIfPresent(id) instanceof Known k) {
            if (k.ended() && clock.millis() >= k.goneAt()) {
                states.asMap().remove(id, k);
                return Optional.empty(); // reaped, or about to be: the database would not show it either
            }
            if (k.ended() || System.nanoTime() - k.readAtNanos() < pendingNanos) {
                return k.accountId() == accountId ? Optional.of(k) : Optional.empty();
            }
        }
        return read(id).filter(k -> k.accountId() == accountId);
    }

    private Optional<Known> read(long id) {
        Loading mark = new Loading();
        states.put(id, mark);
        long readAt = System.nanoTime();
        Optional<Tasks.Owned> row;
        try {
            row = jdbi.withHandle(h -> Tasks.result(h, id));
        } catch (RuntimeException e) {
            states.asMap().remove(id, mark);
            throw e;
        }
        if (row.isEmpty()) {
            states.asMap().remove(id, mark);
            return Optional.empty();
        }
        TaskView t = row.get().view();
        long accountId = row.get().accountId();
        if (t.endedAt() == null) {
            Known k = new Known(accountId, "processing", PROCESSING, null, 0, readAt);
            states.asMap().replace(id, mark, k); // not when an end was told meanwhile: the next read asks again
            return Optional.of(k);
        }
        long goneAt = t.endedAt() + resultTtlMillis;
        if (clock.millis() >= goneAt) {
            states.asMap().remove(id, mark);
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

    /** Task {@code id} ended (here, or on another node): a pending or loading entry of it goes. */
    public void ended(long id) {
        states.asMap().computeIfPresent(id, (key, s) -> s instanceof Known k && k.ended() ? k : null);
    }

    /** Ends may have been missed (the listener lost its connection): every task not known ended goes. */
    public void endedAll() {
        states.asMap().values().removeIf(s -> !(s instanceof Known k && k.ended()));
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
    private final class Keep implements Expiry<Long, Object> {
        @Override
        public long expireAfterCreate(Long id, Object state, long now) {
            if (state instanceof Known k) {
                return k.ended()
                        ? Math.max(
                                0,
                                Duration.ofMillis(k.goneAt() - clock.millis()).toNanos())
                        : pendingNanos;
            }
            return Duration.ofSeconds(30).toNanos(); // a read in progress
        }

        @Override
        public long expireAfterUpdate(Long id, Object state, long now, long currentDuration) {
            return expireAfterCreate(id, state, now);
        }

        @Override
        public long expireAfterRead(Long id, Object state, long now, long currentDuration) {
            return currentDuration;
        }
    }
}
