package dev.solvegate.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.solvegate.server.support.CatalogueReplies;
import dev.solvegate.server.support.LoopbackOnly;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the admin API's bodies over real HTTP with the right token: whatever the body, the
 * answer is a success or a refusal ({@code 400} naming the field, {@code 404}, {@code 409}) with a JSON body,
 * never a 500; and the books still balance.
 */
@Tag("fuzz")
class AdminBodyFuzzTest {

    private static final Set<Integer> ANSWERS = Set.of(200, 201, 204, 400, 404, 409);
    private static final String[][] ROUTES = {
        {"POST", "/admin/accounts"},
        {"PATCH", "/admin/accounts/%d"},
        {"POST", "/admin/accounts/%d/credits"},
        {"POST", "/admin/accounts/%d/packages"},
        {"PATCH", "/admin/packages/%d"},
        {"POST", "/admin/accounts/%d/keys"},
        {"PUT", "/admin/templates/3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11"},
        {"PUT", "/admin/service"}
    };

    private static TestNode node;
    private static long account;

    /** The node starts at the first input, not before: the fuzzer's coverage agent must see its classes load. */
    private static synchronized TestNode node() {
        if (node == null) {
            LoopbackOnly.allow(); // for the fuzzing thread, for good: Jazzer resets it only on that thread
            start();
        }
        return node;
    }

    private static void start() {
        node = TestNode.start(TestDatabase.H2, Map.of());
        account = node.account(5, "0.001");
        node.pkg(account, 1, 10, 10, "2099-01-01T00:00:00Z");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @FuzzTest(maxDuration = "10m")
    void adminBodies(FuzzedDataProvider data) {
        TestNode node = node();
        String[] route = data.pickValue(ROUTES);
        long id = data.consumeBoolean() ? 1 : data.consumeLong();
        String path = route[1].contains("%d") ? String.format(route[1], id) : route[1];
        String body = data.consumeRemainingAsString();
        TestNode.Reply r = TestNode.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.node().adminPort() + path))
                .header("Authorization", "Bearer " + TestNode.ADMIN_TOKEN)
                .method(route[0], HttpRequest.BodyPublishers.ofString(body)));
        String about =
                route[0] + " " + path + " " + CatalogueReplies.abbreviate(body) + " -> " + r.status() + " " + r.raw();
        assertThat(ANSWERS).as(about).contains(r.status());
        assertThat(r.json()).as(about).isNotNull();
        assertThat(r.raw()).as(about).doesNotContain("Exception");
        long balance = dev.solvegate.server.core.Money.parse(
                node.accountView(account).path("balance").asText());
        assertThat(dev.solvegate.server.billing.Ledger.sum(
                        node.node().database().jdbi(), account))
                .as("balance = ledger sum after " + about)
                .isEqualTo(balance);
    }
}
