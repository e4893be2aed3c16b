package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TestNode;

/** A node with one funded account, a balance key and a template that keeps tasks in flight. */
final class Fixture {

    /** A template whose `test` solver never answers within a test's life: tasks stay in flight. */
    static final String HANG_KEY = "3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11";

    static final String NO_CAPACITY_KEY = "00000000-0000-4000-8000-00000000000c";

    final TestNode node;

    Fixture(TestNode node) {
        this.node = node;
        node.template(HANG_KEY, "test", "{\"outcome\":\"hang\"}");
        node.template(NO_CAPACITY_KEY, "test", "{\"capacity\":false}");
    }

    /** A valid createTask body for {@code key}. */
    static ObjectNode body(String key) {
        ObjectNode body = TestNode.obj().put("clientKey", key);
        body.set("task", task());
        return body;
    }

    static ObjectNode task() {
        return TestNode.obj()
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/login")
                .put("websitePublicKey", HANG_KEY)
                .put("websiteSubdomain", "challenge.example.org")
                .put("proxy", "http://user:secretpass@203.0.113.7:8080");
    }

    /** The account's money and thread counters, as admin shows them. */
    String state(long account) {
        JsonNode a = node.accountView(account);
        return "balance=" + a.get("balance").asText() + " held=" + a.get("held").asText() + " inFlight="
                + a.get("inFlight").asInt();
    }

    long taskCount() {
        return node.node().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tasks")
                .mapTo(Long.class)
                .one());
    }
}
