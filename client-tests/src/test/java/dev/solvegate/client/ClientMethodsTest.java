package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.PRICE;
import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every method of the client against a real node, in the catalogue's error-status mode. */
class ClientMethodsTest {

    static LiveNode node;

    @BeforeAll
    static void start() {
        node = LiveNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static SolvegateClient client(String key) {
        return LiveNode.client(node.uri(), key).build();
    }

    private static void awaitIdle(long account) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.accountView(account).get("inFlight").asInt() == 0);
    }

    @Test
    void solveAnswersTheTokenAndTheServerChargesThePriceOnce() {
        LiveNode.Account acct = node.account(10, "1");
        Solution s = client(acct.key()).solve(task(LiveNode.TOKEN), Duration.ofSeconds(20));

        assertThat(s.token()).startsWith("test-" + s.taskId() + "-");
        assertThat(s.cost()).isEqualByComparingTo(PRICE);
        assertThat(s.solveCount()).isEqualTo(1);
        assertThat(s.ip()).isEqualTo("127.0.0.1");
        assertThat(s.createTime()).isBefore(Instant.now().plusSeconds(1));
        assertThat(s.endTime()).isAfterOrEqualTo(s.createTime());
        awaitIdle(acct.id());
        assertThat(node.balance(acct.id())).isEqualByComparingTo(BigDecimal.ONE.subtract(PRICE));
    }

    @Test
    void getTaskResultGoesFromProcessingToReady() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateClient client = client(acct.key());
        long id = client.createTask(task(LiveNode.SLOW));

        TaskResult first = client.getTaskResult(id);
        assertThat(first.status()).isEqualTo(TaskResult.Status.PROCESSING);
        assertThat(first.taskId()).isEqualTo(id);
        assertThat(first.solution()).isEmpty();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.getTaskResult(id).isReady());
        Solution s = client.getTaskResult(id).solution().orElseThrow();
        assertThat(s.taskId()).isEqualTo(id);
        assertThat(s.token()).startsWith("test-" + id + "-");
    }

    @Test
    void createTaskAnswersDistinctIdsForDistinctCalls() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateClient client = client(acct.key());
        long a = client.createTask(task(LiveNode.TOKEN));
        long b = client.createTask(task(LiveNode.TOKEN));
        assertThat(a).isPositive();
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void getBalanceIsTheAvailableBalanceToTheLastDecimal() {
        LiveNode.Account acct = node.account(10, "12.345678");
        SolvegateClient client = client(acct.key());
        Balance before = client.getBalance();
        assertThat(before.balance()).isEqualTo(new BigDecimal("12.345678"));
        assertThat(before.packageInfo()).isEmpty();

        client.createTask(task(LiveNode.HANG)); // holds the price while in flight
        assertThat(client.getBalance().balance()).isEqualTo(new BigDecimal("12.344928"));
    }

    @Test
    void getBalanceOfAPackageKeyShowsThePackage() {
        LiveNode.Account acct = node.account(10, "0");
        SolvegateClient client = client(node.packageKey(acct.id(), "monthly", 3, 100, 1000));
        client.createTask(task(LiveNode.TOKEN));

        PackageInfo p = client.getBalance().packageInfo().orElseThrow();
        assertThat(p.name()).isEqualTo("monthly");
        assertThat(p.threads()).isEqualTo(3);
        assertThat(p.hourlyQuota()).isEqualTo(100);
        assertThat(p.hourlyUsed()).isEqualTo(1);
        assertThat(p.dailyQuota()).isEqualTo(1000);
        assertThat(p.dailyUsed()).isEqualTo(1);
        assertThat(p.expiresAt()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
        assertThat(p.paused()).isFalse();
    }

    @Test
    void anUnsolvableTaskIsATaskFailureWithItsIdAndCostsNothing() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateException e = catchThrowableOfType(SolvegateException.class, () -> client(acct.key())
                .solve(task(LiveNode.UNSOLVABLE), Duration.ofSeconds(20)));

        assertThat(e.errorCode()).isEqualTo("ERROR_CAPTCHA_UNSOLVABLE");
        assertThat(e.taskFailed()).isTrue();
        assertThat(e.retryable()).isFalse();
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.taskId()).isPresent();
        assertThat(e.description()).isNotBlank();
        awaitIdle(acct.id());
        assertThat(node.balance(acct.id())).isEqualByComparingTo(BigDecimal.ONE);
    }

    @Test
    void anUnknownKeyIsErrorKeyDoesNotExistOnEveryMethod() {
        SolvegateClient client = client("0123456789abcdef0123456789abcdef");
        for (Runnable call : new Runnable[] {
            client::getBalance, () -> client.createTask(task(LiveNode.TOKEN)), () -> client.getTaskResult(1)
        }) {
            SolvegateException e = catchThrowableOfType(SolvegateException.class, call::run);
            assertThat(e.errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.retryable()).isFalse();
            assertThat(e.taskFailed()).isFalse();
        }
    }

    @Test
    void anUnknownTaskIsErrorTaskNotFoundNamingIt() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateException e = catchThrowableOfType(
                SolvegateException.class, () -> client(acct.key()).getTaskResult(987_654));
        assertThat(e.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
        assertThat(e.taskId()).hasValue(987_654);
        assertThat(e.getMessage()).contains("ERROR_TASK_NOT_FOUND", "HTTP 404", "task 987654");
    }

    @Test
    void aFieldRuleIsTheServersRefusalWithoutTheProxyPassword() {
        LiveNode.Account acct = node.account(10, "1");
        FunCaptchaTask loopbackProxy = task(LiveNode.TOKEN).toBuilder()
                .proxy("http://proxyuser:" + LiveNode.PROXY_PASSWORD + "@127.0.0.1:8080")
                .build();
        long tasks = node.taskCount();
        SolvegateException e = catchThrowableOfType(
                SolvegateException.class, () -> client(acct.key()).createTask(loopbackProxy));
        assertThat(e.errorCode()).isEqualTo("ERROR_INVALID_PROXY_FORMAT");
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.description()).contains("non-public");
        assertThat(e.toString()).doesNotContain(LiveNode.PROXY_PASSWORD, acct.key());
        assertThat(node.taskCount()).isEqualTo(tasks);
    }

    @Test
    void solveGivesUpAtItsTimeoutWithTheTaskId() {
        LiveNode.Account acct = node.account(10, "1");
        long started = System.nanoTime();
        SolvegateException e = catchThrowableOfType(
                SolvegateException.class, () -> client(acct.key()).solve(task(LiveNode.HANG), Duration.ofSeconds(3)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(e.errorCode()).isEqualTo(SolvegateException.TIMEOUT);
        assertThat(e.taskId()).isPresent();
        assertThat(e.retryable()).isTrue();
        assertThat(took).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(8)); // not before its timeout
    }

    @Test
    void noSecretInAnyToString() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateClient.Builder builder = LiveNode.client(node.uri(), acct.key());
        FunCaptchaTask task = task(LiveNode.TOKEN).toBuilder()
                .headers(Map.of("Cookie", "session=" + LiveNode.PROXY_PASSWORD))
                .build();
        for (Object o : new Object[] {builder, builder.build(), task, task.toBuilder()}) {
            assertThat(o.toString()).doesNotContain(acct.key(), LiveNode.PROXY_PASSWORD);
        }
        assertThat(task.toString()).contains("challenge.example.org", "proxy=(hidden)", "[Cookie]");
    }

    @Test
    void buildersAreImmutable() {
        SolvegateClient.Builder base = SolvegateClient.builder().baseUrl(node.uri());
        SolvegateClient.Builder withKey = base.clientKey("k");
        assertThat(withKey).isNotSameAs(base);
        assertThat(catchThrowableOfType(IllegalStateException.class, base::build))
                .hasMessage("clientKey is required");
        assertThat(withKey.build().baseUrl()).isEqualTo(node.uri());

        FunCaptchaTask.Builder t = FunCaptchaTask.builder().websiteUrl("https://a.example/");
        FunCaptchaTask.Builder t2 = t.proxy(LiveNode.PROXY);
        assertThat(t.build().proxy()).isNull();
        assertThat(t2.build().proxy()).isEqualTo(LiveNode.PROXY);
        assertThat(t2.build().websiteUrl()).isEqualTo("https://a.example/");
    }
}
