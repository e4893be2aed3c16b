package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * N parallel createTask calls against room for K admit exactly K, for each limit, over real HTTP with all
 * requests released at once. Runs on H2 and on PostgreSQL (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExactLimitsContract {

    private static final int N = 48;

    private final TestDatabase db;
    private Fixture fx;

    ExactLimitsContract(TestDatabase db) {
        this.db = db;
    }

    @BeforeAll
    void start() {
        fx = new Fixture(TestNode.start(db, Map.of()));
    }

    @AfterAll
    void stop() {
        fx.node.close();
    }

    /**
     * A reply that is an answer: an overloaded node's {@code ERROR_SERVICE_UNAVALIABLE} (its {@code Retry-After: 1})
     * is sent again, as a client does, since it changed nothing (the 48 requests at once queue for the pool; on a
     * loaded machine some wait past the bound).
     */
    static Reply answered(java.util.function.Supplier<Reply> send) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Reply r = send.get();
            if (!"ERROR_SERVICE_UNAVALIABLE".equals(r.errorCode()) || attempt == 50) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    /** Fires {@code N} createTask calls for {@code key} at once; counts replies by error code ("ok" for success). */
    private Map<String, Long> fire(String key) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < N; i++) {
                replies.add(pool.submit(() -> {
                    go.await();
                    return answered(() -> fx.node.post("/createTask", Fixture.body(key)));
                }));
            }
            go.countDown();
            Map<String, Long> counts = new java.util.TreeMap<>();
            for (Future<Reply> f : replies) {
                Reply r = f.get();
                counts.merge(r.json().get("errorId").asInt() == 0 ? "ok" : r.errorCode(), 1L, Long::sum);
            }
            return counts;
        }
    }

    @Test
    void threadLimitAdmitsExactlyK() throws Exception {
        long account = fx.node.account(7, "0.001");
        fx.node.credit(account, "100");
        Map<String, Long> counts = fire(fx.node.key(account));
        assertThat(counts).isEqualTo(Map.of("ok", 7L, "ERROR_THREAD_THRESHOLD_EXCEEDED", (long) N - 7));
        assertThat(fx.node.accountView(account).get("inFlight").asInt()).isEqualTo(7);
        assertThat(fx.node.accountView(account).get("held").asText()).isEqualTo("0.007000");
    }

    @Test
    void balanceAdmitsExactlyWhatItCovers() throws Exception {
        long account = fx.node.account(1000, "0.001");
        fx.node.credit(account, "0.005");
        Map<String, Long> counts = fire(fx.node.key(account));
        assertThat(counts).isEqualTo(Map.of("ok", 5L, "ERROR_ZERO_BALANCE", (long) N - 5));
        assertThat(fx.node.accountView(account).get("held").asText()).isEqualTo("0.005000");
        assertThat(fx.node.accountView(account).get("balance").asText()).isEqualTo("0.005000");
    }

    @Test
    void hourlyQuotaAdmitsExactlyK() throws Exception {
        Map<String, Long> counts = firePackage(pkg -> fx.node.pkg(pkg, 1000, 6, 1000, "2099-01-01T00:00:00Z"));
        assertThat(counts).isEqualTo(Map.of("ok", 6L, "ERROR_RATE_LIMIT_EXCEEDED", (long) N - 6));
    }

    @Test
    void dailyQuotaAdmitsExactlyK() throws Exception {
        Map<String, Long> counts = firePackage(pkg -> fx.node.pkg(pkg, 1000, 1000, 9, "2099-01-01T00:00:00Z"));
        assertThat(counts).isEqualTo(Map.of("ok", 9L, "ERROR_RATE_LIMIT_EXCEEDED", (long) N - 9));
    }

    @Test
    void packageThreadsAdmitExactlyK() throws Exception {
        Map<String, Long> counts = firePackage(pkg -> fx.node.pkg(pkg, 4, 1000, 1000, "2099-01-01T00:00:00Z"));
        assertThat(counts).isEqualTo(Map.of("ok", 4L, "ERROR_THREAD_THRESHOLD_EXCEEDED", (long) N - 4));
    }

    private Map<String, Long> firePackage(Function<Long, Long> makePackage) throws Exception {
        long account = fx.node.account(1000, "0.001");
        long pkg = makePackage.apply(account);
        Map<String, Long> counts = fire(fx.node.packageKey(account, pkg));
        var view = fx.node.adminOk("GET", "/admin/packages/" + pkg, null);
        long ok = counts.getOrDefault("ok", 0L);
        assertThat(view.get("hourlyUsed").asLong()).isEqualTo(ok);
        assertThat(view.get("dailyUsed").asLong()).isEqualTo(ok);
        assertThat(view.get("inFlight").asLong()).isEqualTo(ok);
        assertThat(fx.node.accountView(account).get("inFlight").asLong()).isEqualTo(ok);
        return counts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
