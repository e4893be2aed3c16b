package dev.solvegate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Credits at the edge of what the ledger holds: one that would take the balance past the largest amount is a 400
 * naming {@code amount} and changes nothing (no ledger row, same balance); an admin body naming a key twice is
 * refused rather than read with the last value winning.
 */
class AdminMoneyEdgeTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCreditThatWouldOverflowTheBalanceIs400AndChangesNothing(TestDatabase database) {
        try (TestNode node = TestNode.start(database, Map.of())) {
            long account = node.account(5, "0.001");
            node.credit(account, "9000000000000");
            String before = node.accountView(account).toString();

            TestNode.Reply r = node.admin(
                    "POST",
                    "/admin/accounts/" + account + "/credits",
                    TestNode.obj().put("amount", "9000000000000").put("reason", "too much"));

            assertThat(r.status()).as(r.raw()).isEqualTo(400);
            assertThat(r.json().path("field").asText()).isEqualTo("amount");
            assertThat(r.json().path("error").asText()).contains("out of range");
            assertThat(node.accountView(account).toString()).isEqualTo(before);
            assertThat(node.accountView(account).path("balance").asText()).isEqualTo("9000000000000.000000");
            assertThat(Ledger.sum(node.node().database().jdbi(), account)).isEqualTo(9_000_000_000_000_000_000L);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anAdminBodyNamingAKeyTwiceIsRefused(TestDatabase database) {
        try (TestNode node = TestNode.start(database, Map.of())) {
            long account = node.account(5, "0.001");
            String before = node.accountView(account).toString();

            TestNode.Reply r = TestNode.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + node.node().adminPort() + "/admin/accounts/" + account + "/credits"))
                    .header("Authorization", "Bearer " + TestNode.ADMIN_TOKEN)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"amount\":\"1\",\"reason\":\"r\",\"amount\":\"1000\"}")));

            assertThat(r.status()).as(r.raw()).isEqualTo(400);
            assertThat(node.accountView(account).toString()).isEqualTo(before);
        }
    }
}
