package dev.solvegate.server.engine;

import static dev.solvegate.server.engine.Tasks.create;
import static dev.solvegate.server.engine.Tasks.proxy;
import static dev.solvegate.server.engine.Tasks.template;
import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Measurements, not assertions of speed: create-to-start latency (an idle worker is woken by the in-process
 * signal or NOTIFY) and the cost of getTaskResult. Run with {@code -Dsolvegate.measure=true}; prints a table.
 */
@EnabledIfSystemProperty(named = "solvegate.measure", matches = "true")
class LatencyProbe {

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void measure(TestDatabase db) throws Exception {
        try (TestNode n = TestNode.start(db, Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"))) {
            long account = n.account(1000, "0.001");
            n.credit(account, "100");
            String key = n.key(account);
            String pk = template(n, "{\"outcome\":\"token\"}");
            int tasks = 300;
            long[] ids = new long[tasks];
            for (int i = 0; i < tasks; i++) {
                ids[i] = create(n, key, pk, proxy(9));
                Thread.sleep(5);
            }
            for (long id : ids) {
                Tasks.awaitEnded(n, key, id, Duration.ofSeconds(10));
            }
            String metrics = n.adminAs(null, "GET", "/metrics", null).raw();
            double startSum = value(metrics, "solvegate_task_start_delay_seconds_sum");
            double startCount = value(metrics, "solvegate_task_start_delay_seconds_count");
            double startMax = value(metrics, "solvegate_task_start_delay_seconds_max");
            long[] lived = n
                    .node()
                    .database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT ended_at - created_at FROM tasks ORDER BY 1")
                            .mapTo(Long.class)
                            .list())
                    .stream()
                    .mapToLong(Long::longValue)
                    .toArray();

            int calls = 3000;
            long[] nanos = new long[calls];
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                assertThat(Tasks.result(n, key, ids[i % tasks]).status()).isEqualTo(200);
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            int parallel = 16;
            int perClient = 500;
            long t0 = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < parallel; c++) {
                    int offset = c;
                    pool.submit(() -> {
                        for (int i = 0; i < perClient; i++) {
                            Tasks.result(n, key, ids[(offset * 31 + i) % tasks]);
                        }
                        return null;
                    });
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%n== %s (%d cores)%n", db, Runtime.getRuntime().availableProcessors());
            System.out.printf(
                    "create-to-start (claim) delay: mean %.2f ms, max %.1f ms over %.0f tasks%n",
                    1000 * startSum / startCount, 1000 * startMax, startCount);
            System.out.printf(
                    "create-to-ready (token, delayMs 0): p50 %d ms, p99 %d ms, max %d ms%n",
                    lived[lived.length / 2], lived[lived.length * 99 / 100], lived[lived.length - 1]);
            System.out.printf(
                    "getTaskResult sequential over HTTP: p50 %.2f ms, p99 %.2f ms%n",
                    nanos[calls / 2] / 1e6, nanos[calls * 99 / 100] / 1e6);
            System.out.printf(
                    "getTaskResult %d clients in parallel: %.0f requests/s%n",
                    parallel, parallel * perClient / seconds);
        }
    }

    private static double value(String metrics, String name) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
