package dev.solvegate.server.task;

import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * reportIncorrect and reportCorrect: one verdict per ready task, within its retention, and for an account that
 * refunds incorrect results, a refund of the task's charge when the report comes within {@code
 * SOLVEGATE_REPORT_WINDOW} of its end. The verdict and the refund are one transaction; the verdict is written
 * only where none is ({@code verdict IS NULL}), and the ledger's unique {@code (task_id, kind)} holds the refund
 * to one even if that guard were wrong.
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
public final class Reports {

    /** What the client says of a result. */
    public enum Verdict {
        CORRECT,
        INCORRECT;

        String stored() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The outcome of a report. */
    public sealed interface Reported {
        /** The first verdict on the task, now recorded; {@code refunded} its charge given back (micro-units). */
        record First(String solver, long refunded) implements Reported {}

        /** The task already had a verdict: nothing changed. */
        record Repeated() implements Reported {}

        /** No ready task of the caller within its retention. */
        record NotFound() implements Reported {}
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration resultTtl;
    private final Duration window;

    /** @param window {@code SOLVEGATE_REPORT_WINDOW}: how long after a task's end a report still refunds it */
    public Reports(Jdbi jdbi, Clock clock, Duration resultTtl, Duration window) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.resultTtl = resultTtl;
        this.window = window;
    }

    /** Records {@code verdict} on task {@code taskId} of {@code accountId}. */
    public Reported report(long accountId, long taskId, Verdict verdict) {
        long now = clock.millis();
        long retainedSince = now - resultTtl.toMillis() + 1;
        return Transactions.retrying(jdbi, h -> {
            Optional<Tasks.Verdict> first = Tasks.recordVerdict(h, taskId, accountId, verdict.stored(), retainedSince);
            if (first.isEmpty()) {
                return Tasks.readySince(h, taskId, accountId, retainedSince)
                        ? new Reported.Repeated()
                        : new Reported.NotFound();
            }
            Tasks.Verdict v = first.get();
            long refund = 0;
            if (verdict == Verdict.INCORRECT
                    && now - v.endedAt() <= window.toMillis()
                    && AccountStore.refundsIncorrect(h, accountId)) {
                refund = v.cost();
                Ledger.refund(h, accountId, taskId, refund, now);
            }
            return new Reported.First(v.solver(), refund);
        });
    }
}
