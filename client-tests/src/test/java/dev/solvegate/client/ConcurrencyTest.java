package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.PRICE;
import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One client shared by 200 virtual threads, each solving a task, against an account with 50 threads: the
 * refusals beyond 50 in flight are waited out, every task is solved once and billed once.
 */
class ConcurrencyTest {

    static final String QUICK = "3f1b7a52-0c55-4a8e-9a5a-0000000000c0";
    static final int CALLERS = 200;

    static LiveNode node;

    @BeforeAll
    static void start() {
        node = LiveNode.start();
        node.template(QUICK, "{\"outcome\":\"token\",\"delayMs\":200}");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void twoHundredVirtualThreadsShareOneClient() throws Exception {
        LiveNode.Account acct = node.account(50, "10");
        SolvegateClient client = LiveNode.client(node.uri(), acct.key())
                .callTimeout(Duration.ofSeconds(90))
                .build();
        List<Future<Solution>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLERS; i++) {
                calls.add(threads.submit(() -> client.solve(task(QUICK), Duration.ofSeconds(90))));
            }
        }
        Set<Long> ids = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (Future<Solution> call : calls) {
            Solution s = call.get();
            ids.add(s.taskId());
            tokens.add(s.token());
        }
        assertThat(ids).hasSize(CALLERS);
        assertThat(tokens).hasSize(CALLERS);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.accountView(acct.id()).get("inFlight").asInt() == 0);
        assertThat(node.taskCount()).isGreaterThanOrEqualTo(CALLERS);
        assertThat(node.balance(acct.id()))
                .isEqualByComparingTo(BigDecimal.TEN.subtract(PRICE.multiply(BigDecimal.valueOf(CALLERS))));
        assertThat(node.accountView(acct.id()).get("held").asText()).isEqualTo("0.000000");
    }
}
