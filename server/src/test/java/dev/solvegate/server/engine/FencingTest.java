package dev.solvegate.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.store.Database;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.task.ClaimedTask;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A worker whose task was taken from it (its node's lease ran out, the sweep re-queued the task and it was claimed
 * again, here by the very same node) holds an older attempt number: it can neither count a retry, hand the task
 * back, nor settle it, so it is neither billed nor reported (no callback) on its behalf. The current attempt can.
 */
class FencingTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aWorkerWhoseTaskWasTakenCanNeitherSettleNorCountNorHandItBack(TestDatabase database) {
        String url = database.freshUrl();
        long account;
        long id;
        try (TestNode n = TestNode.start(url, database.user(), Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"))) {
            account = n.account(5, "0.001");
            n.credit(account, "1");
            String key = n.key(account);
            String pk = Tasks.template(n, "{\"outcome\":\"hang\"}");
            id = Tasks.create(n, key, pk, Tasks.proxy(9), "http://127.0.0.1:9/callback");
        } // the node drains: its hanging task goes back to the queue
        try (Database db = Database.open(url, database.user(), null, 4)) {
            Jdbi jdbi = db.jdbi();
            DbSlots slots = new DbSlots(jdbi, 2);
            Clock clock = Clock.systemUTC();
            NodeQueue queue = new NodeQueue(slots, slots, "node-fencing", clock, 60_000, 1, () -> 0);
            List<Settlement.Ended> told = new ArrayList<>();
            Settlement settlement = new Settlement(slots, clock, told::add);

            ClaimedTask stale = queue.claim(1).getFirst();
            assertThat(stale.id()).isEqualTo(id);
            queue.retire(); // the lease runs out
            assertThat(queue.requeueExpired(id, clock.millis())).isTrue();
            ClaimedTask current = queue.claim(1).getFirst();
            assertThat(current.attempt()).isEqualTo(stale.attempt() + 1);

            assertThat(queue.startAttempt(id, stale.attempt())).isFalse();
            assertThat(queue.handBack(id, stale.attempt())).isFalse();
            assertThat(settlement.settle(
                            id,
                            Outcome.solved("stale"),
                            dev.solvegate.server.task.Tasks.Guard.attempt(queue.owner(), stale.attempt())))
                    .isFalse();
            assertThat(told).as("no callback, no metrics for the stale attempt").isEmpty();
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM callback_outbox"))
                    .as("no callback queued")
                    .isZero();
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM tasks WHERE status = 'solving' AND id = " + id))
                    .isEqualTo(1);
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM ledger WHERE kind = 'charge'"))
                    .isZero();

            assertThat(settlement.settle(
                            id,
                            Outcome.solved("fresh"),
                            dev.solvegate.server.task.Tasks.Guard.attempt(queue.owner(), current.attempt())))
                    .isTrue();
            assertThat(told).singleElement().satisfies(e -> assertThat(e.view().token())
                    .isEqualTo("fresh"));
            assertThat(Tasks.count(jdbi, "SELECT COUNT(*) FROM callback_outbox"))
                    .isEqualTo(1);
            assertThat(Tasks.count(jdbi, "SELECT balance FROM accounts WHERE id = " + account))
                    .isEqualTo(1_000_000 - 1000)
                    .isEqualTo(Tasks.ledgerSum(jdbi, account));
            assertThat(Tasks.count(jdbi, "SELECT held + in_flight FROM accounts WHERE id = " + account))
                    .isZero();
        }
    }
}
