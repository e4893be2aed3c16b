package dev.solvegate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.solvegate.server.support.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of the pool, over a real pool on H2: it hands out no more than its slots, queues callers in
 * arrival order up to its bound, turns away the rest as {@link DbGate.Saturated} (never a database error), counts
 * as saturated meanwhile, and keeps the engine's share out of its reach. Order and bounds are asserted, never
 * durations.
 */
class DbGateTest {

    private final List<Database> opened = new ArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        opened.forEach(Database::close);
    }

    private Database open(int pool, Duration wait, int queueMax) {
        Database db = Database.open(TestDatabase.H2.freshUrl(), null, null, pool, wait, queueMax);
        opened.add(db);
        return db;
    }

    @Test
    void theGateHasThePoolLessTheEnginesShare() {
        assertThat(open(32, Duration.ofSeconds(1), 10).gate().slots()).isEqualTo(20);
        assertThat(open(8, Duration.ofSeconds(1), 10).gate().slots()).isEqualTo(5);
        assertThat(open(3, Duration.ofSeconds(1), 10).gate().slots()).isEqualTo(2);
        assertThat(Database.engineShare(32) + 20).isEqualTo(32);
    }

    @Test
    void aFullQueueTurnsTheCallerAwayAtOnceAsOverloadNotAsADatabaseFault() throws Exception {
        DbGate gate = open(4, Duration.ofSeconds(30), 0).gate(); // 3 slots, nobody may wait
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(gate.openConnection());
        }
        assertThat(gate.saturated()).isFalse();
        assertThatThrownBy(gate::openConnection)
                .isInstanceOf(DbGate.Saturated.class)
                .hasMessage("the queue for a database connection is full: "
                        + "(slots=3, inUse=3, waiting=0, queueMax=0, wait=30000ms)")
                .satisfies(e -> {
                    assertThat(e.getStackTrace()).isEmpty();
                    assertThat(DbGate.saturated(e)).isTrue();
                    assertThat(DatabaseFaults.unreachable(e)).isFalse();
                    assertThat(DatabaseFaults.retryableConflict(e)).isFalse();
                });
        assertThat(gate.turnedAway()).isEqualTo(1);
        assertThat(gate.saturated()).as("saturated after turning a caller away").isTrue();
        gate.closeConnection(held.remove(0));
        Connection again = gate.openConnection(); // a slot given back is free again
        held.add(again);
        for (Connection c : held) {
            gate.closeConnection(c);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !gate.saturated());
    }

    @Test
    void waitingCallersGetSlotsInArrivalOrder() throws Exception {
        DbGate gate = open(3, Duration.ofSeconds(30), 3).gate(); // 2 slots
        Connection a = gate.openConnection();
        Connection b = gate.openConnection();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Connection>> waiters = new ArrayList<>();
        for (String name : new String[] {"first", "second", "third"}) {
            int before = gate.waiting();
            waiters.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            Connection c = gate.openConnection();
                            order.add(name);
                            return c;
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    threads));
            await().atMost(Duration.ofSeconds(10)).until(() -> gate.waiting() == before + 1);
        }
        assertThatThrownBy(gate::openConnection)
                .as("a fourth caller finds the queue of three full")
                .isInstanceOf(DbGate.Saturated.class);
        gate.closeConnection(a);
        Connection first = waiters.get(0).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("first");
        gate.closeConnection(b);
        Connection second = waiters.get(1).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("first", "second");
        gate.closeConnection(first);
        Connection third = waiters.get(2).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("first", "second", "third");
        gate.closeConnection(second);
        gate.closeConnection(third);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void aCallerWhoseWaitRunsOutIsTurnedAwayAndTheSlotsStayExact() throws Exception {
        Database db = open(4, Duration.ofMillis(50), 10);
        DbGate gate = db.gate();
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(gate.openConnection());
        }
        assertThatThrownBy(() -> db.jdbi()
                        .withHandle(h ->
                                h.createQuery("SELECT 1").mapTo(Integer.class).one()))
                .as("through JDBI the caller sees the gate's refusal itself")
                .isInstanceOf(DbGate.Saturated.class)
                .hasMessageStartingWith("no database connection free within 50ms: (slots=3, inUse=3, waiting=");
        assertThat(db.activeConnections()).as("the pool was not asked").isEqualTo(3);
        // the engine's way in is not the gate's: its share is still there
        int engine = db.engineJdbi()
                .withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
        assertThat(engine).isEqualTo(1);
        for (Connection c : held) {
            gate.closeConnection(c);
        }
        int after = db.jdbi()
                .withHandle(h -> h.createQuery("SELECT 2").mapTo(Integer.class).one());
        assertThat(after).isEqualTo(2);
        assertThat(db.activeConnections()).isZero();
    }

    @Test
    void withinOneRequestTheWaitsCountTogether() throws Exception {
        DbGate gate = open(4, Duration.ofMillis(50), 10).gate();
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(gate.openConnection());
        }
        List<String> outcomes = new ArrayList<>();
        Runnable twoTakes = () -> {
            for (int i = 0; i < 2; i++) {
                try {
                    gate.openConnection().close();
                    outcomes.add("got");
                } catch (DbGate.Saturated e) {
                    outcomes.add(e.getMessage().substring(0, e.getMessage().indexOf(':')));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        gate.request(twoTakes);
        assertThat(outcomes)
                .as("the second take of the request has no wait left")
                .containsExactly(
                        "no database connection free within 50ms",
                        "this request already waited 50ms for database connections");
        outcomes.clear();
        twoTakes.run(); // outside a request, each take waits on its own
        assertThat(outcomes)
                .containsExactly("no database connection free within 50ms", "no database connection free within 50ms");
        assertThat(gate.turnedAway()).isEqualTo(4);
        for (Connection c : held) {
            gate.closeConnection(c);
        }
    }
}
