package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.PRICE;
import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solvegate.client.FaultRelay.Fault;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lost createTask reply, against a server that keeps idempotency keys: the retry with the same key answers the
 * same task, so exactly one task exists and exactly one is billed (checked through the admin API).
 */
class IdempotencyTest {

    static LiveNode node;

    @BeforeAll
    static void start() {
        node = LiveNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aLostCreateTaskReplyCreatesAndBillsExactlyOneTask() throws Exception {
        LiveNode.Account acct = node.account(10, "1");
        long tasks = node.taskCount();
        try (FaultRelay relay = new FaultRelay(node.port())) {
            relay.inject("/createTask", Fault.dropReply());

            Solution s = LiveNode.client(relay.uri(), acct.key())
                    .build()
                    .solve(task(LiveNode.TOKEN), Duration.ofSeconds(20));

            assertThat(s.token()).isNotBlank();
            assertThat(relay.count("/createTask")).isEqualTo(2);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.accountView(acct.id()).get("inFlight").asInt() == 0);
        assertThat(node.taskCount()).isEqualTo(tasks + 1);
        assertThat(node.balance(acct.id())).isEqualByComparingTo(BigDecimal.ONE.subtract(PRICE));
        assertThat(node.accountView(acct.id()).get("held").asText()).isEqualTo("0.000000");
    }
}
