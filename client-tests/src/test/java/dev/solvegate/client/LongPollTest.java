package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solvegate.client.FaultRelay.Seen;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How solve waits: one long-poll ({@code waitSeconds}) against a server that has it; against one that answers
 * at once (the relay strips {@code waitSeconds}, so the node behaves as a server of the family without
 * long-poll), one poll a second.
 */
class LongPollTest {

    static LiveNode node;
    FaultRelay relay;

    @BeforeAll
    static void start() {
        node = LiveNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @BeforeEach
    void relay() throws Exception {
        relay = new FaultRelay(node.port());
    }

    @AfterEach
    void closeRelay() throws Exception {
        relay.close();
    }

    @Test
    void withoutLongPollSolvePollsOnceASecond() {
        LiveNode.Account acct = node.account(10, "1");
        relay.stripWaitSeconds();

        Solution s =
                LiveNode.client(relay.uri(), acct.key()).build().solve(task(LiveNode.SLOW), Duration.ofSeconds(20));

        assertThat(s.token()).isNotBlank();
        List<Seen> polls = relay.seen("/getTaskResult");
        assertThat(polls.size()).isBetween(2, 6); // a 2.5 s task
        for (Seen poll : polls) {
            assertThat(poll.body().get("waitSeconds").asInt()).isBetween(1, 30); // asked, and ignored
        }
        for (int i = 1; i < polls.size(); i++) {
            long gap = TimeUnit.NANOSECONDS.toMillis(
                    polls.get(i).atNanos() - polls.get(i - 1).atNanos());
            // about a second (the relay and the client time it on different clocks), later only by the machine's own
            // delays (a loaded CI machine adds some)
            assertThat(gap).isBetween(800L, 5000L);
        }
    }

    @Test
    void aLongPollAsksForAtMostThirtySeconds() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateClient client = LiveNode.client(relay.uri(), acct.key()).build();
        long id = client.createTask(task(LiveNode.TOKEN));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.getTaskResult(id).isReady());

        TaskResult r = client.getTaskResult(id, Duration.ofSeconds(45));

        assertThat(r.isReady()).isTrue();
        List<Seen> polls = relay.seen("/getTaskResult");
        assertThat(polls.get(polls.size() - 1).body().get("waitSeconds").asInt())
                .isEqualTo(30);
        assertThat(polls.get(0).body().has("waitSeconds")).isFalse();
    }

    @Test
    void withLongPollSolveWaitsInOneRequest() {
        LiveNode.Account acct = node.account(10, "1");
        long started = System.nanoTime();

        Solution s =
                LiveNode.client(relay.uri(), acct.key()).build().solve(task(LiveNode.SLOW), Duration.ofSeconds(20));

        assertThat(s.token()).isNotBlank();
        assertThat(relay.count("/getTaskResult")).isLessThanOrEqualTo(2); // polling a second would take 3 or more
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    }
}
