package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.PRICE;
import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.solvegate.client.FaultRelay.Fault;
import dev.solvegate.client.FaultRelay.Seen;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each retry rule, through a fault-injecting relay in front of a real node: what is retried (transport failures,
 * a gateway's 503, the catalogue's retryable codes), how long the client waits (Retry-After, the budget), and
 * what is sent exactly once (every other code).
 */
class RetryTest {

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

    private SolvegateClient client(String key) {
        return LiveNode.client(relay.uri(), key).build();
    }

    private static long millisBetween(Seen a, Seen b) {
        return TimeUnit.NANOSECONDS.toMillis(b.atNanos() - a.atNanos());
    }

    @Test
    void aLostCreateTaskReplyIsTriedAgainWithTheSameIdempotencyKey() {
        LiveNode.Account acct = node.account(10, "1");
        relay.inject("/createTask", Fault.dropReply());

        long id = client(acct.key()).createTask(task(LiveNode.TOKEN));

        List<Seen> tries = relay.seen("/createTask");
        assertThat(tries).hasSize(2);
        assertThat(tries.get(0).fault()).isEqualTo(FaultRelay.Kind.DROP_REPLY);
        assertThat(tries.get(0).header("Idempotency-Key"))
                .isNotBlank()
                .isEqualTo(tries.get(1).header("Idempotency-Key"));
        assertThat(tries.get(0).body()).isEqualTo(tries.get(1).body());
        assertThat(id).isPositive();
    }

    @Test
    void everyCreateTaskCallHasItsOwnIdempotencyKeyUnlessTheCallerGivesOne() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateClient client = client(acct.key());
        client.createTask(task(LiveNode.TOKEN));
        client.createTask(task(LiveNode.TOKEN));
        client.createTask(task(LiveNode.TOKEN), "order-4711");

        List<Seen> tries = relay.seen("/createTask");
        assertThat(tries).hasSize(3);
        assertThat(tries.get(0).header("Idempotency-Key"))
                .isNotEqualTo(tries.get(1).header("Idempotency-Key"));
        assertThat(tries.get(2).header("Idempotency-Key")).isEqualTo("order-4711");
        assertThat(catchThrowableOfType(
                        IllegalArgumentException.class, () -> client.createTask(task(LiveNode.TOKEN), "has a space")))
                .hasMessageContaining("visible ASCII");
    }

    @Test
    void aResetConnectionIsTriedAgain() {
        LiveNode.Account acct = node.account(10, "1");
        long tasks = node.taskCount();
        relay.inject("/createTask", Fault.reset());

        long id = client(acct.key()).createTask(task(LiveNode.TOKEN));

        assertThat(relay.seen("/createTask")).extracting(Seen::fault).containsExactly(FaultRelay.Kind.RESET, null);
        assertThat(id).isPositive();
        assertThat(node.taskCount()).isEqualTo(tasks + 1); // the reset request never reached the node
    }

    @Test
    void aLostGetTaskResultReplyIsTriedAgain() {
        LiveNode.Account acct = node.account(10, "1");
        SolvegateClient client = client(acct.key());
        long id = client.createTask(task(LiveNode.TOKEN));
        relay.inject("/getTaskResult", Fault.dropReply());
        relay.inject("/getTaskResult", Fault.reset());

        TaskResult r = client.getTaskResult(id);

        assertThat(r.taskId()).isEqualTo(id);
        assertThat(relay.seen("/getTaskResult"))
                .extracting(Seen::fault)
                .containsExactly(FaultRelay.Kind.DROP_REPLY, FaultRelay.Kind.RESET, null);
    }

    @Test
    void aGateways503WithRetryAfterIsWaitedOut() {
        LiveNode.Account acct = node.account(10, "1");
        relay.inject("/getBalance", Fault.unavailable(2));
        long started = System.nanoTime();

        Balance b = client(acct.key()).getBalance();

        assertThat(b.balance()).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        List<Seen> tries = relay.seen("/getBalance");
        assertThat(tries).hasSize(2);
        assertThat(millisBetween(tries.get(0), tries.get(1))).isBetween(2000L, 6000L);
    }

    @Test
    void aRetryAfterLongerThanTheBudgetEndsTheCallAtOnce() {
        LiveNode.Account acct = node.account(10, "1");
        relay.inject("/getBalance", Fault.unavailable(30));
        long started = System.nanoTime();

        SolvegateException e =
                catchThrowableOfType(SolvegateException.class, () -> LiveNode.client(relay.uri(), acct.key())
                        .callTimeout(Duration.ofSeconds(5))
                        .build()
                        .getBalance());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5)); // not 30 s
        assertThat(e.errorCode()).isEqualTo(SolvegateException.BAD_REPLY);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.retryable()).isTrue();
        assertThat(relay.count("/getBalance")).isEqualTo(1);
    }

    @Test
    void serviceUnavailableIsNotTriedBeforeItsRetryAfter() {
        LiveNode.Account acct = node.account(10, "1");
        node.intake(false);
        try {
            long started = System.nanoTime();
            SolvegateException e =
                    catchThrowableOfType(SolvegateException.class, () -> LiveNode.client(relay.uri(), acct.key())
                            .callTimeout(Duration.ofSeconds(10))
                            .build()
                            .createTask(task(LiveNode.TOKEN)));

            // Retry-After is 30 s: within a 10 s budget there is no second try, and no early one
            assertThat(e.errorCode()).isEqualTo("ERROR_SERVICE_UNAVALIABLE");
            assertThat(e.retryable()).isTrue();
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(relay.count("/createTask")).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5)); // not 30 s
        } finally {
            node.intake(true);
        }
    }

    @Test
    void aRefusedConnectionIsTriedUntilTheServerListensAgain() throws Exception {
        LiveNode.Account acct = node.account(10, "1");
        relay.stopListening();
        CompletableFuture<Balance> call =
                CompletableFuture.supplyAsync(() -> client(acct.key()).getBalance());
        Thread.sleep(1500);
        assertThat(call).isNotDone();
        relay.listenAgain();

        assertThat(call.get(10, TimeUnit.SECONDS).balance()).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(relay.count("/getBalance")).isEqualTo(1);
    }

    @Test
    void noReplyWithinTheBudgetIsATransportFailure() throws Exception {
        LiveNode.Account acct = node.account(10, "1");
        relay.stopListening();
        long started = System.nanoTime();

        SolvegateException e =
                catchThrowableOfType(SolvegateException.class, () -> LiveNode.client(relay.uri(), acct.key())
                        .callTimeout(Duration.ofSeconds(1))
                        .build()
                        .getBalance());

        // within the budget (1 s) and its slack; how many tries fit depends on the jittered backoff, so a refusal may
        // also end the call at once when the next pause would not fit in what is left of the budget
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(e.errorCode()).isEqualTo(SolvegateException.TRANSPORT);
        assertThat(e.httpStatus()).isZero();
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).startsWith("CLIENT_TRANSPORT: getBalance: ").doesNotContain(acct.key());
        relay.listenAgain();
    }

    @Test
    void nonRetryableCodesAreSentExactlyOnce() {
        LiveNode.Account funded = node.account(10, "1");
        LiveNode.Account broke = node.account(10, "0");
        FunCaptchaTask noProxy = task(LiveNode.TOKEN).toBuilder().proxy(null).build();
        Object[][] cases = {
            {"0123456789abcdef0123456789abcdef", task(LiveNode.TOKEN), "ERROR_KEY_DOES_NOT_EXIST"},
            {broke.key(), task(LiveNode.TOKEN), "ERROR_ZERO_BALANCE"},
            {funded.key(), noProxy, "ERROR_MISSING_PROXY"},
            {funded.key(), task("00000000-0000-4000-8000-000000000404"), "ERROR_TEMPLATE_NOT_FOUND"},
        };
        int sent = 0;
        for (Object[] c : cases) {
            SolvegateException e = catchThrowableOfType(
                    SolvegateException.class, () -> client((String) c[0]).createTask((FunCaptchaTask) c[1]));
            assertThat(e.errorCode()).isEqualTo(c[2]);
            assertThat(e.retryable()).isFalse();
            sent++;
            assertThat(relay.count("/createTask")).as("requests after %s", c[2]).isEqualTo(sent);
        }
        SolvegateException notFound = catchThrowableOfType(
                SolvegateException.class, () -> client(funded.key()).getTaskResult(424_242));
        assertThat(notFound.errorCode()).isEqualTo("ERROR_TASK_NOT_FOUND");
        assertThat(relay.count("/getTaskResult")).isEqualTo(1);
    }

    @Test
    void threadThresholdExceededWaitsForAFreeSlot() {
        LiveNode.Account acct = node.account(1, "1");
        SolvegateClient client = client(acct.key());
        client.createTask(task(LiveNode.SLOW)); // takes the only slot for 2.5 s
        long started = System.nanoTime();

        Solution s = client.solve(task(LiveNode.TOKEN), Duration.ofSeconds(30));

        assertThat(s.token()).isNotBlank();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(1500));
        List<Seen> tries = relay.seen("/createTask");
        assertThat(tries.size()).isGreaterThanOrEqualTo(3); // the slow task, then at least one refusal
        for (int i = 2; i < tries.size(); i++) {
            // Retry-After: 1 is honoured
            assertThat(millisBetween(tries.get(i - 1), tries.get(i))).isGreaterThanOrEqualTo(1000);
            assertThat(tries.get(i).header("Idempotency-Key"))
                    .isEqualTo(tries.get(1).header("Idempotency-Key"));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.accountView(acct.id()).get("inFlight").asInt() == 0);
        assertThat(node.balance(acct.id()))
                .isEqualByComparingTo(BigDecimal.ONE.subtract(PRICE.multiply(BigDecimal.TWO)));
    }
}
