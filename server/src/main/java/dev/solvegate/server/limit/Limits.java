package dev.solvegate.server.limit;

import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;

/**
 * Every admission rule, as pure decisions over rows the caller has read (and, for {@link #admit}, locked):
 * no database, no clock of its own, so each rule is tested by value and holds across nodes because the rows
 * it is given are locked for the rest of the admission's transaction.
 *
 * <p>Thread-safety: stateless.
 */
public final class Limits {

    /** Milliseconds in a quota hour and a quota day (UTC: epoch milliseconds divide evenly). */
    static final long HOUR = 3_600_000L;

    static final long DAY = 86_400_000L;

    /**
     * A package row as locked by the admission.
     *
     * @param hourIndex the UTC hour ({@code epochMillis / HOUR}) that {@code hourUsed} counts
     * @param dayIndex the UTC day that {@code dayUsed} counts
     */
    public record PackageRow(
            int threads,
            int hourlyQuota,
            int dailyQuota,
            int inFlight,
            long hourIndex,
            int hourUsed,
            long dayIndex,
            int dayUsed) {

        /** Tasks counted in the hour of {@code now}: none once the hour changed. */
        public int usedThisHour(long now) {
            return hourIndex == now / HOUR ? hourUsed : 0;
        }

        /** Tasks counted in the UTC day of {@code now}: none once the day changed. */
        public int usedToday(long now) {
            return dayIndex == now / DAY ? dayUsed : 0;
        }
    }

    /** An account row as locked by the admission; money in micro-units. */
    public record AccountRow(int maxThreads, long price, long balance, long held, int inFlight) {}

    /**
     * What an admitted task takes: the hold on the balance (0 for a package key) and the price it was admitted
     * at.
     */
    public record Admit(long hold, long price) {}

    private Limits() {}

    /**
     * A key's account and package state, as read with the key.
     *
     * @param packageKey whether the key is bound to a package (else a balance key)
     * @param packageExpiresAt epoch ms; meaningless without a package
     */
    public record Standing(boolean suspended, boolean packageKey, boolean packagePaused, long packageExpiresAt) {}

    /** Whether a key in {@code standing} may create tasks at {@code now} (SPEC §1 step 3, after the key). */
    public static Checked<Standing> standing(Standing standing, long now) {
        if (standing.suspended()) {
            return Checked.refused(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        }
        if (standing.packageKey() && standing.packagePaused()) {
            return Checked.refused(ErrorCode.ERROR_PACKAGE_PAUSED);
        }
        if (standing.packageKey() && now >= standing.packageExpiresAt()) {
            return Checked.refused(ErrorCode.ERROR_PACKAGE_EXPIRED);
        }
        return Checked.ok(standing);
    }

    /**
     * The admission's verdict (SPEC §1 steps 6–9, in that order): quota, threads, balance, solver capacity.
     *
     * @param pkg the key's package row, or null for a balance key
     * @param solverHasCapacity the solver's answer, asked before any row was locked
     */
    public static Checked<Admit> admit(PackageRow pkg, AccountRow account, boolean solverHasCapacity, long now) {
        if (pkg != null && (pkg.usedThisHour(now) >= pkg.hourlyQuota() || pkg.usedToday(now) >= pkg.dailyQuota())) {
            return Checked.refused(ErrorCode.ERROR_RATE_LIMIT_EXCEEDED);
        }
        if ((pkg != null && pkg.inFlight() >= pkg.threads()) || account.inFlight() >= account.maxThreads()) {
            return Checked.refused(ErrorCode.ERROR_THREAD_THRESHOLD_EXCEEDED);
        }
        long hold = pkg == null ? account.price() : 0;
        if (pkg == null && account.balance() - account.held() < hold) {
            return Checked.refused(ErrorCode.ERROR_ZERO_BALANCE);
        }
        if (!solverHasCapacity) {
            return Checked.refused(ErrorCode.ERROR_FINGERPRINT_UNAVAILABLE);
        }
        return Checked.ok(new Admit(hold, account.price()));
    }
}
