package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task that failed with a retryable code ({@code ERROR_PROCESSING_IMAGE}: the server's own attempts ran out
 * before the task's deadline) is the task's outcome, not a refusal: getTaskResult is not retried, and the
 * exception still says the code is retryable, so the caller may create a new task.
 */
class FailedTaskTest {

    static final String PROCESSING_IMAGE = "3f1b7a52-0c55-4a8e-9a5a-0000000000b1";

    static LiveNode node;

    @BeforeAll
    static void start() {
        node = LiveNode.start(Map.of("SOLVEGATE_SOLVE_TIMEOUT", "1s", "SOLVEGATE_TASK_TIMEOUT", "2s"));
        node.template(PROCESSING_IMAGE, "{\"outcome\":\"processing-image\"}");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aFailedTasksRetryableCodeIsNotRetried() throws Exception {
        LiveNode.Account acct = node.account(10, "1");
        try (FaultRelay relay = new FaultRelay(node.port())) {
            SolvegateClient client = LiveNode.client(relay.uri(), acct.key()).build();
            long id = client.createTask(task(PROCESSING_IMAGE));
            SolvegateClient direct = LiveNode.client(node.uri(), acct.key()).build();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    direct.getTaskResult(id);
                    return false;
                } catch (SolvegateException ended) {
                    return true;
                }
            });

            SolvegateException e = catchThrowableOfType(SolvegateException.class, () -> client.getTaskResult(id));

            assertThat(e.errorCode()).isEqualTo("ERROR_PROCESSING_IMAGE");
            assertThat(e.taskFailed()).isTrue();
            assertThat(e.retryable()).isTrue();
            assertThat(e.httpStatus()).isEqualTo(504);
            assertThat(e.taskId()).hasValue(id);
            assertThat(relay.count("/getTaskResult")).isEqualTo(1);
        }
    }
}
