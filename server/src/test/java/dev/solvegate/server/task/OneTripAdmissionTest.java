package dev.solvegate.server.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.proxy.ProxyParse;
import dev.solvegate.proxy.ProxyParser;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.template.TemplateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admission on PostgreSQL is one round trip: the PostgreSQL driver's own protocol trace (its {@code FE=>
 * Sync}, the message that ends each request the client waits on) counts one per admitted task and one per
 * refusal, the pool's borrow and return included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneTripAdmissionTest {

    private static final Logger PROTOCOL = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");

    private Database db;
    private TaskStore store;
    private String keyHash;

    private static final NewTask TASK = new NewTask(
            "https://example.org/login",
            "3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11",
            "challenge.example.org",
            ((ProxyParse.Parsed) ProxyParser.parse("http://user:pass@203.0.113.7:8080")).endpoint(),
            "{}",
            Map.of(),
            null,
            null);
    private static final TemplateStore.Template TEMPLATE =
            new TemplateStore.Template("3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11", "test", "{\"outcome\":\"hang\"}");

    @BeforeAll
    void open() {
        db = Database.open(TestDatabase.POSTGRES.freshUrl(), TestDatabase.POSTGRES.user(), null, 2);
        var accounts = new AccountStore(db.jdbi(), Clock.systemUTC());
        long account = accounts.createAccount("one-trip", 1000, 750);
        Ledger.credit(db.jdbi(), account, 1_000_000, "test", System.currentTimeMillis());
        String secret = ApiKeys.newSecret();
        accounts.createKey(account, null, secret);
        keyHash = ApiKeys.hash(secret);
        store = new TaskStore(db.jdbi(), Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void anAdmissionIsOneRoundTrip() {
        List<Integer> trips = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String idempotencyKey = "idem-" + i;
            trips.add(roundTrips(() -> {
                TaskStore.Keyed k = store.admitByKey(keyHash, TASK, TEMPLATE, true, "127.0.0.1", idempotencyKey);
                assertThat(k.answer()).isInstanceOf(Checked.Ok.class);
                return k;
            }));
        }
        // a pooled connection idle for more than half a second is checked by the pool first (one more)
        assertThat(trips.stream().mapToInt(Integer::intValue).min().orElseThrow())
                .as("round trips of three admissions: %s", trips)
                .isEqualTo(1);
    }

    @Test
    void aRefusalIsOneRoundTrip() {
        List<Integer> trips = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            trips.add(roundTrips(() -> {
                TaskStore.Keyed k = store.admitByKey(ApiKeys.hash("unknown"), TASK, TEMPLATE, true, "127.0.0.1", null);
                assertThat(k.answer()).isEqualTo(Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST));
                return k;
            }));
        }
        assertThat(trips.stream().mapToInt(Integer::intValue).min().orElseThrow())
                .as("round trips of three refusals: %s", trips)
                .isEqualTo(1);
    }

    /** How many requests the driver sent and waited for on this thread while {@code call} ran. */
    private static int roundTrips(Supplier<?> call) {
        Thread me = Thread.currentThread();
        AtomicInteger syncs = new AtomicInteger();
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (Thread.currentThread() == me
                        && r.getMessage() != null
                        && r.getMessage().contains("FE=> Sync")) {
                    syncs.incrementAndGet();
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Level before = PROTOCOL.getLevel();
        PROTOCOL.setUseParentHandlers(false); // the trace is counted, not printed
        PROTOCOL.addHandler(counter);
        PROTOCOL.setLevel(Level.FINEST);
        try {
            call.get();
        } finally {
            PROTOCOL.setLevel(before);
            PROTOCOL.removeHandler(counter);
            PROTOCOL.setUseParentHandlers(true);
        }
        return syncs.get();
    }
}
