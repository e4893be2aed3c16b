package dev.solvegate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void defaultsFollowTheSpec() {
        Config c = Config.fromEnv(Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.adminPort()).isEqualTo(8081);
        assertThat(c.adminBind()).isEqualTo("127.0.0.1");
        assertThat(c.taskTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.solveTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.resultTtl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.workers()).isEqualTo(1000);
        assertThat(c.priceMicros()).isEqualTo(750);
        assertThat(c.errorStatusAlways200()).isFalse();
        assertThat(c.proxyAllowPrivate()).isFalse();
        assertThat(c.dbUrl()).startsWith("jdbc:h2:file:").contains("data");
        assertThat(c.dbPool()).isEqualTo(32);
        assertThat(c.plugins()).as("no plugins by default").isNull();
    }

    @Test
    void poolSizeIsConfigurableWithinItsBounds() {
        assertThat(Config.fromEnv(Map.of("SOLVEGATE_DB_POOL", "8")).dbPool()).isEqualTo(8);
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_DB_POOL", "2")))
                .hasMessage("SOLVEGATE_DB_POOL: must be an integer in 3..10000: 2");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_DB_POOL", "many")))
                .hasMessageContaining("SOLVEGATE_DB_POOL")
                .hasMessageContaining("many");
    }

    @Test
    void theDatabaseQueueIsConfigurableWithinItsBounds() {
        Config defaults = Config.fromEnv(Map.of());
        assertThat(defaults.dbQueueWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.dbQueueMax()).isEqualTo(4096);
        Config c = Config.fromEnv(Map.of("SOLVEGATE_DB_QUEUE_WAIT", "250ms", "SOLVEGATE_DB_QUEUE_MAX", "0"));
        assertThat(c.dbQueueWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.dbQueueMax()).isZero();
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_DB_QUEUE_WAIT", "11s")))
                .hasMessage("SOLVEGATE_DB_QUEUE_WAIT: must be at most 10s: 11s");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_DB_QUEUE_WAIT", "0ms")))
                .hasMessage("SOLVEGATE_DB_QUEUE_WAIT: must be positive: 0ms");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_DB_QUEUE_WAIT", "soon")))
                .hasMessage("SOLVEGATE_DB_QUEUE_WAIT: not a duration like 300s, 2m or 500ms: soon");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_DB_QUEUE_MAX", "-1")))
                .hasMessage("SOLVEGATE_DB_QUEUE_MAX: must be an integer in 0..1000000: -1");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_DB_QUEUE_MAX", "lots")))
                .hasMessage("SOLVEGATE_DB_QUEUE_MAX: must be an integer in 0..1000000: lots");
    }

    @Test
    void durationsAcceptSecondsMinutesAndMillis() {
        Config c = Config.fromEnv(Map.of(
                "SOLVEGATE_TASK_TIMEOUT", "2m", "SOLVEGATE_SOLVE_TIMEOUT", "500ms", "SOLVEGATE_RESULT_TTL", "45s"));
        assertThat(c.taskTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.solveTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.resultTtl()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_PORT", "70000")))
                .hasMessageContaining("SOLVEGATE_PORT")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_TASK_TIMEOUT", "soon")))
                .hasMessageContaining("SOLVEGATE_TASK_TIMEOUT")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_SOLVE_TIMEOUT", "0s")))
                .hasMessageContaining("SOLVEGATE_SOLVE_TIMEOUT");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_WORKERS", "0")))
                .hasMessageContaining("SOLVEGATE_WORKERS");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_PRICE", "0.0000001")))
                .hasMessageContaining("SOLVEGATE_PRICE");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_ERROR_STATUS", "418")))
                .hasMessageContaining("SOLVEGATE_ERROR_STATUS");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "maybe")))
                .hasMessageContaining("SOLVEGATE_PROXY_ALLOW_PRIVATE");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_DB_URL", "mysql://x")))
                .hasMessageContaining("SOLVEGATE_DB_URL");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_PLUGINS", "/no/such/folder")))
                .hasMessage("SOLVEGATE_PLUGINS: must be an existing folder: /no/such/folder");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_ADMIN_TOKEN", "short")))
                .hasMessageContaining("SOLVEGATE_ADMIN_TOKEN")
                .hasMessageNotContaining("short");
    }

    @Test
    void beyondTheFamilySettingsHaveTheirDefaultsAndBounds() {
        Config c = Config.fromEnv(Map.of());
        assertThat(c.idempotencyTtl()).isEqualTo(java.time.Duration.ofHours(24));
        assertThat(c.reportWindow()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(c.maxAttempts()).isEqualTo(3);
        Config set = Config.fromEnv(Map.of(
                "SOLVEGATE_IDEMPOTENCY_TTL", "2h", "SOLVEGATE_REPORT_WINDOW", "5m", "SOLVEGATE_MAX_ATTEMPTS", "1"));
        assertThat(set.idempotencyTtl()).isEqualTo(java.time.Duration.ofHours(2));
        assertThat(set.reportWindow()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(set.maxAttempts()).isEqualTo(1);
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_MAX_ATTEMPTS", "0")))
                .hasMessage("SOLVEGATE_MAX_ATTEMPTS: must be an integer in 1..100: 0");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_IDEMPOTENCY_TTL", "forever")))
                .hasMessageContaining("SOLVEGATE_IDEMPOTENCY_TTL");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("SOLVEGATE_REPORT_WINDOW", "0s")))
                .hasMessageContaining("SOLVEGATE_REPORT_WINDOW");
    }
}
