package dev.solvegate.server.billing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * All money: the only code that changes an account's {@code balance} or {@code held}, or writes a ledger
 * row. Every method takes the transaction it runs in, so a hold is placed with its task, a capture with its
 * task's end, and a credit with its ledger row; the account row must already be locked where a method reads
 * it first (the callers lock it in the one order, package then account).
 *
 * <p>Ledger kinds: {@code credit} and {@code debit} (the operator), {@code charge} (a ready task's captured
 * hold), {@code refund} (a charge given back after a report).
 *
 * <p>Money is integer micro-units. The balance always equals the sum of the account's ledger rows, because
 * the balance moves only here, together with a row. Holds are not ledger rows: they reserve part of the
 * balance for tasks in flight; {@link #available} is balance minus holds.
 *
 * <p>Thread-safety: stateless.
 */
public final class Ledger {

    /** The outcome of a credit or debit. */
    public sealed interface Credit {
        /** @param balance the balance after it */
        record Done(long balance) implements Credit {}

        record NoSuchAccount() implements Credit {}

        /** A debit that would leave less than the amount held for tasks in flight. */
        record BelowHeld() implements Credit {}

        /** A credit that would take the balance past the largest amount the ledger holds. */
        record Overflow() implements Credit {}
    }

    /**
     * One ledger row. @param amount micro-units, negative for a debit or a charge @param kind {@code credit},
     * {@code debit} or {@code charge} @param taskId the charged task, or null @param createdAt epoch ms
     */
    public record Entry(long id, long amount, String kind, String reason, Long taskId, long createdAt) {}

    /**
     * One UTC day of an account's ledger. @param day days since the epoch (UTC) @param charged micro-units
     * charged for ready tasks less refunds of reported tasks, positive @param charges how many tasks were
     * charged @param credited credits less debits, micro-units
     */
    public record Day(long day, long charged, long charges, long credited) {}

    private static final long DAY_MS = 86_400_000L;

    /** The admission's hold, public so that the storage benchmark runs this very text. */
    public static final String HOLD = "UPDATE accounts SET held = held + :hold WHERE id = :account";

    private Ledger() {}

    /** What an account can spend now: its balance less what tasks in flight hold. */
    public static long available(long balance, long held) {
        return balance - held;
    }

    /** Reserves {@code amount} of the account's balance for a task just admitted. */
    public static void hold(Handle h, long accountId, long amount) {
        if (amount == 0) {
            return;
        }
        h.createUpdate(HOLD).bind("hold", amount).bind("account", accountId).execute();
    }

    /** Gives a failed task's hold back: nothing is charged. */
    public static void release(Handle h, long accountId, long hold) {
        if (hold == 0) {
            return;
        }
        h.createUpdate("UPDATE accounts SET held = held - :hold WHERE id = :id")
                .bind("hold", hold)
                .bind("id", accountId)
                .execute();
    }

    /**
     * Turns a ready task's hold into a {@code charge}: the hold ends, the balance falls by it, and a ledger row
     * records it. The row's unique {@code task_id} refuses a second charge for one task even if a caller's own
     * guard were wrong.
     */
    public static void capture(Handle h, long accountId, long taskId, long hold, long now) {
        if (hold == 0) {
            return;
        }
        h.createUpdate("UPDATE accounts SET held = held - :hold, balance = balance - :hold WHERE id = :id")
                .bind("hold", hold)
                .bind("id", accountId)
                .execute();
        h.createUpdate("""
            INSERT INTO ledger (account_id, amount, kind, reason, task_id, created_at)
            VALUES (:account, :amount, 'charge', :reason, :task, :now)
            """)
                .bind("account", accountId)
                .bind("amount", -hold)
                .bind("reason", "task " + taskId)
                .bind("task", taskId)
                .bind("now", now)
                .execute();
    }

    /**
     * Gives a charged task's {@code amount} back (a task reported incorrect, on an account that refunds them):
     * the balance rises by it and a {@code refund} ledger row records it. The ledger's unique {@code (task_id,
     * kind)} refuses a second refund of one task even if a caller's own guard were wrong.
     */
    public static void refund(Handle h, long accountId, long taskId, long amount, long now) {
        if (amount <= 0) {
            return;
        }
        h.createUpdate("UPDATE accounts SET balance = balance + :amount WHERE id = :id")
                .bind("amount", amount)
                .bind("id", accountId)
                .execute();
        h.createUpdate("""
            INSERT INTO ledger (account_id, amount, kind, reason, task_id, created_at)
            VALUES (:account, :amount, 'refund', :reason, :task, :now)
            """)
                .bind("account", accountId)
                .bind("amount", amount)
                .bind("reason", "task " + taskId + " reported incorrect")
                .bind("task", taskId)
                .bind("now", now)
                .execute();
    }

    /** Adds {@code amount} (negative: a debit) to the balance, with its ledger row, in one transaction. */
    public static Credit credit(Jdbi jdbi, long accountId, long amount, String reason, long now) {
        return jdbi.inTransaction(h -> {
            Optional<long[]> row = h.createQuery("SELECT balance, held FROM accounts WHERE id = :id FOR UPDATE")
                    .bind("id", accountId)
                    .map((rs, ctx) -> new long[] {rs.getLong("balance"), rs.getLong("held")})
                    .findOne();
            if (row.isEmpty()) {
                return new Credit.NoSuchAccount();
            }
            long balance;
            try {
                balance = Math.addExact(row.get()[0], amount);
            } catch (ArithmeticException e) {
                return new Credit.Overflow();
            }
            if (amount < 0 && balance < row.get()[1]) {
                return new Credit.BelowHeld();
            }
            h.createUpdate(
                            "INSERT INTO ledger (account_id, amount, kind, reason, created_at) VALUES (:id, :amount, :kind, :reason, :now)")
                    .bind("id", accountId)
                    .bind("amount", amount)
                    .bind("kind", amount < 0 ? "debit" : "credit")
                    .bind("reason", reason)
                    .bind("now", now)
                    .execute();
            h.createUpdate("UPDATE accounts SET balance = :balance WHERE id = :id")
                    .bind("balance", balance)
                    .bind("id", accountId)
                    .execute();
            return new Credit.Done(balance);
        });
    }

    /** The sum of an account's ledger rows: what its balance must equal. */
    public static long sum(Jdbi jdbi, long accountId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE account_id = :id")
                .bind("id", accountId)
                .mapTo(Long.class)
                .one());
    }

    /** Up to {@code limit} of an account's ledger rows, newest first. */
    public static List<Entry> entries(Jdbi jdbi, long accountId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id, amount, kind, reason, task_id, created_at FROM ledger WHERE account_id = :id
                ORDER BY created_at DESC, id DESC LIMIT :limit
                """)
                .bind("id", accountId)
                .bind("limit", limit)
                .map((rs, ctx) -> {
                    long task = rs.getLong("task_id");
                    Long taskId = rs.wasNull() ? null : task;
                    return new Entry(
                            rs.getLong("id"),
                            rs.getLong("amount"),
                            rs.getString("kind"),
                            rs.getString("reason"),
                            taskId,
                            rs.getLong("created_at"));
                })
                .list());
    }

    /**
     * An account's ledger summed per UTC day for the {@code days} days up to and including the day of
     * {@code now}, oldest first, one entry per day (zeros where nothing happened).
     */
    public static List<Day> perDay(Jdbi jdbi, long accountId, int days, long now) {
        long today = Math.floorDiv(now, DAY_MS);
        long first = today - days + 1;
        Map<Long, long[]> sums = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                SELECT created_at / 86400000 AS day_index, kind, SUM(amount) AS total, COUNT(*) AS n FROM ledger
                WHERE account_id = :id AND created_at >= :from AND created_at < :to
                GROUP BY created_at / 86400000, kind
                """)
                .bind("id", accountId)
                .bind("from", first * DAY_MS)
                .bind("to", (today + 1) * DAY_MS)
                .map((rs, ctx) -> {
                    long[] day = sums.computeIfAbsent(rs.getLong("day_index"), d -> new long[3]);
                    if ("charge".equals(rs.getString("kind"))) {
                        day[0] -= rs.getLong("total");
                        day[1] += rs.getLong("n");
                    } else if ("refund".equals(rs.getString("kind"))) {
                        day[0] -= rs.getLong("total");
                    } else {
                        day[2] += rs.getLong("total");
                    }
                    return day;
                })
                .list());
        List<Day> out = new ArrayList<>(days);
        for (long d = first; d <= today; d++) {
            long[] v = sums.getOrDefault(d, new long[3]);
            out.add(new Day(d, v[0], v[1], v[2]));
        }
        return out;
    }
}
