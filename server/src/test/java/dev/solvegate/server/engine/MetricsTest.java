package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.awaitEnded;
import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.proxy;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /metrics on the admin port, without a token, in Prometheus text. */
class MetricsTest {

    @Test
    void metricsShowRequestsOutcomesQueueAndWorkers() {
        try (TestNode n = TestNode.start(
                TestDatabase.H2, Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true", "SOLVEGATE_WORKERS", "7"))) {
            long account = n.account(10, "0.5");
            n.credit(account, "5");
            String key = n.key(account);
            long ok = create(n, key, template(n, "{\"outcome\":\"token\"}"), proxy(9));
            long bad = create(n, key, template(n, "{\"outcome\":\"unsolvable\"}"), proxy(9));
            awaitEnded(n, key, ok, Duration.ofSeconds(5));
            awaitEnded(n, key, bad, Duration.ofSeconds(5));
            n.post("/createTask", "{}");

            TestNode.Reply first = n.adminAs(null, "GET", "/metrics", null);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            // a request is counted when its reply has been written, so the client may see the reply first
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                            n.adminAs(null, "GET", "/metrics", null).raw())
                    .contains(
                            "solvegate_http_requests_seconds_count{code=\"ok\",method=\"createTask\",status=\"200\"} 2")
                    .contains("solvegate_http_requests_seconds_count{code=\"ERROR_KEY_DOES_NOT_EXIST\","
                            + "method=\"createTask\",status=\"404\"} 1")
                    .contains("solvegate_http_requests_seconds_bucket{code=\"ok\",method=\"getTaskResult\"")
                    .contains("solvegate_tasks_ended_total{code=\"ready\"} 1")
                    .contains("solvegate_tasks_ended_total{code=\"ERROR_CAPTCHA_UNSOLVABLE\"} 1")
                    .contains("solvegate_solve_duration_seconds_count{outcome=\"ready\",solver=\"test\"} 1")
                    .contains("solvegate_task_start_delay_seconds_count 2")
                    .contains("solvegate_queue_depth 0")
                    .contains("solvegate_tasks_inflight 0")
                    .contains("solvegate_workers_max 7")
                    .contains("solvegate_workers_busy 0"));
        }
    }
}
