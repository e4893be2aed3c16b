package dev.solvegate.server.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import org.junit.jupiter.api.Test;

/** The admission rules by value: the order of SPEC §1 steps 6–9, and the quota window per UTC hour and day. */
class LimitsTest {

    private static final long NOW = 1_900_000_000_000L; // 2030-03-17T17:46:40Z
    private static final long HOUR = NOW / Limits.HOUR;
    private static final long DAY = NOW / Limits.DAY;

    private static Limits.PackageRow pkg(int threads, int inFlight, int hourUsed, int dayUsed) {
        return new Limits.PackageRow(threads, 2, 5, inFlight, HOUR, hourUsed, DAY, dayUsed);
    }

    private static Limits.AccountRow account(int maxThreads, int inFlight, long balance, long held) {
        return new Limits.AccountRow(maxThreads, 750, balance, held, inFlight);
    }

    private static String verdict(Checked<Limits.Admit> c) {
        return switch (c) {
            case Checked.Ok<Limits.Admit>(Limits.Admit a) -> "hold " + a.hold();
            case Checked.Refused<Limits.Admit>(var r) -> r.code().name();
        };
    }

    @Test
    void balanceKeyHoldsThePriceWhenTheAvailableBalanceCoversIt() {
        assertThat(verdict(Limits.admit(null, account(5, 0, 750, 0), true, NOW)))
                .isEqualTo("hold 750");
        assertThat(verdict(Limits.admit(null, account(5, 0, 1499, 750), true, NOW)))
                .isEqualTo("ERROR_ZERO_BALANCE");
    }

    @Test
    void packageKeyHoldsNothingAndIgnoresTheBalance() {
        assertThat(verdict(Limits.admit(pkg(3, 0, 0, 0), account(5, 0, 0, 0), true, NOW)))
                .isEqualTo("hold 0");
    }

    @Test
    void checksRunInSpecOrderQuotaThenThreadsThenBalanceThenCapacity() {
        var everythingWrong = Limits.admit(pkg(1, 1, 2, 5), account(1, 1, 0, 0), false, NOW);
        assertThat(verdict(everythingWrong)).isEqualTo("ERROR_RATE_LIMIT_EXCEEDED");
        assertThat(verdict(Limits.admit(pkg(1, 1, 0, 0), account(1, 1, 0, 0), false, NOW)))
                .isEqualTo("ERROR_THREAD_THRESHOLD_EXCEEDED");
        assertThat(verdict(Limits.admit(null, account(5, 4, 0, 0), false, NOW))).isEqualTo("ERROR_ZERO_BALANCE");
        assertThat(verdict(Limits.admit(null, account(5, 4, 750, 0), false, NOW)))
                .isEqualTo("ERROR_FINGERPRINT_UNAVAILABLE");
    }

    @Test
    void threadLimitIsTheAccountsAndThePackagesWhicheverIsLower() {
        assertThat(verdict(Limits.admit(pkg(3, 3, 0, 0), account(10, 3, 0, 0), true, NOW)))
                .isEqualTo("ERROR_THREAD_THRESHOLD_EXCEEDED");
        assertThat(verdict(Limits.admit(pkg(10, 3, 0, 0), account(3, 3, 0, 0), true, NOW)))
                .isEqualTo("ERROR_THREAD_THRESHOLD_EXCEEDED");
        assertThat(verdict(Limits.admit(pkg(10, 2, 0, 0), account(3, 2, 0, 0), true, NOW)))
                .isEqualTo("hold 0");
    }

    @Test
    void quotaUseCountsOnlyInItsOwnUtcHourAndDay() {
        var row = pkg(10, 0, 2, 5);
        assertThat(row.usedThisHour(NOW)).isEqualTo(2);
        assertThat(row.usedThisHour(NOW + Limits.HOUR)).isZero();
        assertThat(row.usedToday(NOW + Limits.HOUR)).isEqualTo(5); // 18:46, the same UTC day
        assertThat(row.usedToday(NOW + Limits.DAY)).isZero();
        assertThat(verdict(Limits.admit(row, account(5, 0, 0, 0), true, NOW))).isEqualTo("ERROR_RATE_LIMIT_EXCEEDED");
        assertThat(verdict(Limits.admit(row, account(5, 0, 0, 0), true, NOW + Limits.DAY)))
                .isEqualTo("hold 0");
    }

    @Test
    void standingRefusesSuspendedThenPausedThenExpired() {
        assertThat(code(new Limits.Standing(true, true, true, 0))).isEqualTo(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        assertThat(code(new Limits.Standing(false, true, true, 0))).isEqualTo(ErrorCode.ERROR_PACKAGE_PAUSED);
        assertThat(code(new Limits.Standing(false, true, false, NOW))).isEqualTo(ErrorCode.ERROR_PACKAGE_EXPIRED);
        assertThat(code(new Limits.Standing(false, true, false, NOW + 1))).isNull();
        assertThat(code(new Limits.Standing(false, false, true, 0))).isNull(); // a balance key has no package
    }

    private static ErrorCode code(Limits.Standing s) {
        return Limits.standing(s, NOW) instanceof Checked.Refused<Limits.Standing>(var r) ? r.code() : null;
    }
}
