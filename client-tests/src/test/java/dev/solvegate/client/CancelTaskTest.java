package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** cancelTask, and solve's cancel of a task it gives up on, against a server that has cancelTask. */
class CancelTaskTest {

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
    void cancelTaskEndsASolvingTaskUncharged() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateClient client = LiveNode.client(node.uri(), acct.key()).build();
        long id = client.createTask(task(LiveNode.HANG));

        client.cancelTask(id);

        SolvegateException e = catchThrowableOfType(SolvegateException.class, () -> client.getTaskResult(id));
        assertThat(e.errorCode()).isEqualTo("ERROR_TASK_CANCELLED");
        assertThat(e.taskFailed()).isTrue();
        assertThat(node.accountView(acct.id()).get("inFlight").asInt()).isZero();
        assertThat(node.balance(acct.id())).isEqualByComparingTo(BigDecimal.ONE);
        client.cancelTask(id); // an ended task: no error, nothing changes
        SolvegateException unknown = catchThrowableOfType(SolvegateException.class, () -> client.cancelTask(987_654));
        assertThat(unknown.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
    }

    @Test
    void solveCancelsTheTaskItGivesUpOn() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateClient client = LiveNode.client(node.uri(), acct.key()).build();
        SolvegateException e = catchThrowableOfType(
                SolvegateException.class, () -> client.solve(task(LiveNode.HANG), Duration.ofSeconds(2)));
        assertThat(e.errorCode()).isEqualTo(SolvegateException.TIMEOUT);
        long id = e.taskId().orElseThrow();

        await().atMost(Duration.ofSeconds(5))
                .until(() -> node.accountView(acct.id()).get("inFlight").asInt() == 0);
        SolvegateException ended = catchThrowableOfType(SolvegateException.class, () -> client.getTaskResult(id));
        assertThat(ended.errorCode()).isEqualTo("ERROR_TASK_CANCELLED");
    }
}
