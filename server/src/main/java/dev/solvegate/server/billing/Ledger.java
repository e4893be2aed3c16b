package dev.solvegate.server.billing;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * All money: the only code that changes an account's {@code balance} or {@code held}, or writes a ledger
 * row. Every method takes the transaction it runs in, so a hold is placed with its task, a capture with its
 * task's end, and a credit with its ledger row; the account row must already be locked where a method reads
 * it first (the callers lock it in the one order, package then account).
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
}
