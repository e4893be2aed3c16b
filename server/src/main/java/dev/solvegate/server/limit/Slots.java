package dev.solvegate.server.limit;

import org.jdbi.v3.core.Handle;

/**
 * The rows {@link Limits} decides over: reads them locked, in the one lock order (package, then account, the
 * same for admission and settlement, so the two never deadlock), and counts a task in or out of the thread
 * slots and quotas. Every method takes the transaction it runs in.
 *
 * <p>Thread-safety: stateless.
 */
public final class Slots {

    /** The admission's statements, public so that the storage benchmark runs these very texts. */
    public static final String LOCK_PACKAGE = """
        SELECT threads, hourly_quota, daily_quota, in_flight, hour_index, hour_used, day_index, day_used
        FROM packages WHERE id = :package FOR UPDATE""";

    public static final String LOCK_ACCOUNT =
            "SELECT max_threads, price, balance, held, in_flight FROM accounts WHERE id = :account FOR UPDATE";
    public static final String TAKE_PACKAGE = """
        UPDATE packages SET in_flight = in_flight + 1, hour_index = :hour, hour_used = :hourUsed,
          day_index = :day, day_used = :dayUsed WHERE id = :package""";
    public static final String TAKE_ACCOUNT = "UPDATE accounts SET in_flight = in_flight + 1 WHERE id = :account";

    private Slots() {}

    /** Locks and reads a package row. */
    public static Limits.PackageRow lockPackage(Handle h, long packageId) {
        return h.createQuery(LOCK_PACKAGE)
                .bind("package", packageId)
                .map((rs, ctx) -> new Limits.PackageRow(
                        rs.getInt(1),
                        rs.getInt(2),
                        rs.getInt(3),
                        rs.getInt(4),
                        rs.getLong(5),
                        rs.getInt(6),
                        rs.getLong(7),
                        rs.getInt(8)))
                .one();
    }

    /** Locks and reads an account row. */
    public static Limits.AccountRow lockAccount(Handle h, long accountId) {
        return h.createQuery(LOCK_ACCOUNT)
                .bind("account", accountId)
                .map((rs, ctx) ->
                        new Limits.AccountRow(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5)))
                .one();
    }

    /** Counts an admitted task: a thread slot of the account and, for a package key, the package's slot and quotas. */
    public static void take(Handle h, long accountId, Long packageId, Limits.PackageRow pkg, long now) {
        if (packageId != null) {
            h.createUpdate(TAKE_PACKAGE)
                    .bind("hour", now / Limits.HOUR)
                    .bind("hourUsed", pkg.usedThisHour(now) + 1)
                    .bind("day", now / Limits.DAY)
                    .bind("dayUsed", pkg.usedToday(now) + 1)
                    .bind("package", packageId)
                    .execute();
        }
        h.createUpdate(TAKE_ACCOUNT).bind("account", accountId).execute();
    }

    /** Gives an ended task's thread slots back (the package's first, in the lock order); quotas stay used. */
    public static void giveBack(Handle h, long accountId, Long packageId) {
        if (packageId != null) {
            h.createUpdate("UPDATE packages SET in_flight = in_flight - 1 WHERE id = :id")
                    .bind("id", packageId)
                    .execute();
        }
        h.createUpdate("UPDATE accounts SET in_flight = in_flight - 1 WHERE id = :id")
                .bind("id", accountId)
                .execute();
    }
}
