package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.support.TestClock;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A package's hourly and daily quotas count tasks per UTC hour and day: used up, they refuse with
 * {@code ERROR_RATE_LIMIT_EXCEEDED}; the next hour (or day) on the clock gives the room back, without waiting.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class QuotaRolloverTest {

    @Parameter
    TestDatabase database;

    @Test
    void hourlyQuotaRefillsAtTheNextUtcHourAndDailyAtTheNextUtcDay() {
        TestClock clock = TestClock.at(Instant.parse("2030-03-10T22:59:50Z"));
        try (TestNode node = TestNode.start(database, Map.of(), clock)) {
            Fixture fx = new Fixture(node);
            long account = node.account(100, "0.001");
            long pkg = node.pkg(account, 100, 2, 3, "2031-01-01T00:00:00Z");
            String key = node.packageKey(account, pkg);

            assertThat(create(fx, key)).isEqualTo("ok");
            assertThat(create(fx, key)).isEqualTo("ok");
            assertThat(create(fx, key)).isEqualTo("ERROR_RATE_LIMIT_EXCEEDED");
            assertThat(used(node, pkg)).isEqualTo("hour 2/2, day 2/3");

            clock.set(Instant.parse("2030-03-10T23:00:01Z")); // the next hour, the same day
            assertThat(used(node, pkg)).isEqualTo("hour 0/2, day 2/3");
            assertThat(create(fx, key)).isEqualTo("ok");
            assertThat(create(fx, key)).isEqualTo("ERROR_RATE_LIMIT_EXCEEDED"); // the day's 3 are used
            assertThat(used(node, pkg)).isEqualTo("hour 1/2, day 3/3");

            clock.set(Instant.parse("2030-03-11T00:00:01Z")); // the next UTC day
            assertThat(used(node, pkg)).isEqualTo("hour 0/2, day 0/3");
            assertThat(create(fx, key)).isEqualTo("ok");
            assertThat(used(node, pkg)).isEqualTo("hour 1/2, day 1/3");
            assertThat(fx.taskCount()).isEqualTo(4);
        }
    }

    @Test
    void aRefusedTaskCountsNothing() {
        TestClock clock = TestClock.at(Instant.parse("2030-03-10T10:00:00Z"));
        try (TestNode node = TestNode.start(database, Map.of(), clock)) {
            Fixture fx = new Fixture(node);
            long account = node.account(100, "0.001");
            long pkg = node.pkg(account, 100, 1, 10, "2031-01-01T00:00:00Z");
            String key = node.packageKey(account, pkg);
            assertThat(create(fx, key)).isEqualTo("ok");
            for (int i = 0; i < 3; i++) {
                assertThat(create(fx, key)).isEqualTo("ERROR_RATE_LIMIT_EXCEEDED");
            }
            clock.advance(Duration.ofHours(1));
            assertThat(used(node, pkg)).isEqualTo("hour 0/1, day 1/10");
        }
    }

    private static String create(Fixture fx, String key) {
        var r = fx.node.post("/createTask", Fixture.body(key));
        return r.errorCode() == null ? "ok" : r.errorCode();
    }

    private static String used(TestNode node, long pkg) {
        var p = node.adminOk("GET", "/admin/packages/" + pkg, null);
        return "hour " + p.get("hourlyUsed").asInt() + "/"
                + p.get("hourlyQuota").asInt() + ", day " + p.get("dailyUsed").asInt() + "/"
                + p.get("dailyQuota").asInt();
    }
}
