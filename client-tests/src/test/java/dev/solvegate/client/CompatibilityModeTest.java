package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against a node in compatibility mode ({@code SOLVEGATE_ERROR_STATUS=200}: every error is HTTP 200):
 * the body decides, so the same failures surface with the same codes, and the retryable ones are still retried;
 * the same for an account of its own in that mode on a node that is not.
 */
class CompatibilityModeTest {

    static LiveNode node;

    @BeforeAll
    static void start() {
        node = LiveNode.start(Map.of("SOLVEGATE_ERROR_STATUS", "200"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void solveAnswersTheToken() {
        LiveNode.Account acct = node.account(10, "1");
        Solution s =
                LiveNode.client(node.uri(), acct.key()).build().solve(task(LiveNode.TOKEN), Duration.ofSeconds(20));
        assertThat(s.token()).startsWith("test-" + s.taskId() + "-");
    }

    @Test
    void anUnsolvableTaskIsTheSameTaskFailureWithHttp200() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateException e =
                catchThrowableOfType(SolvegateException.class, () -> LiveNode.client(node.uri(), acct.key())
                        .build()
                        .solve(task(LiveNode.UNSOLVABLE), Duration.ofSeconds(20)));
        assertThat(e.errorCode()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
        assertThat(e.httpStatus()).isEqualTo(200);
        assertThat(e.taskFailed()).isTrue();
        assertThat(e.taskId()).isPresent();
    }

    @Test
    void anUnknownKeyIsErrorKeyDoesNotExistWithHttp200() {
        SolvegateException e = catchThrowableOfType(
                SolvegateException.class, () -> LiveNode.client(node.uri(), "0123456789abcdef0123456789abcdef")
                        .build()
                        .getBalance());
        assertThat(e.errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
        assertThat(e.httpStatus()).isEqualTo(200);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void anAccountsOwnErrorStatusModeIsReadTheSame() {
        try (LiveNode seed = LiveNode.start()) {
            LiveNode.Account acct = seed.account(10, "1");
            seed.admin("PATCH", "/admin/accounts/" + acct.id(), LiveNode.obj().put("errorStatus", "200"));
            SolvegateClient client = LiveNode.client(seed.uri(), acct.key()).build();

            SolvegateException unsolvable = catchThrowableOfType(
                    SolvegateException.class, () -> client.solve(task(LiveNode.UNSOLVABLE), Duration.ofSeconds(20)));
            SolvegateException notFound =
                    catchThrowableOfType(SolvegateException.class, () -> client.getTaskResult(987_654));

            assertThat(unsolvable.errorCode()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
            assertThat(unsolvable.httpStatus()).isEqualTo(200);
            assertThat(unsolvable.taskFailed()).isTrue();
            assertThat(notFound.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
            assertThat(notFound.httpStatus()).isEqualTo(200);
        }
    }

    @Test
    void aRetryableCodeIsRetriedThoughItCameWithHttp200() throws Exception {
        LiveNode.Account acct = node.account(1, "1");
        try (FaultRelay relay = new FaultRelay(node.port())) {
            SolvegateClient client = LiveNode.client(relay.uri(), acct.key()).build();
            client.createTask(task(LiveNode.SLOW)); // the only slot, for 2.5 s

            long id = client.createTask(task(LiveNode.TOKEN));

            List<FaultRelay.Seen> tries = relay.seen("/createTask");
            assertThat(tries.size()).isGreaterThanOrEqualTo(3); // refused with ERROR_THREAD_THRESHOLD_EXCEEDED first
            assertThat(id).isPositive();
        }
    }
}
