package dev.solvegate.server.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.CatalogueReplies;
import dev.solvegate.server.support.LoopbackOnly;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of createTask bodies over real HTTP to a node on H2: whatever the body, the reply is a
 * success or one catalogue error, never a 500. Raw bodies (where {@code KEY} and {@code TEMPLATE} stand for a
 * valid key and template), and JSON objects assembled from the input around a valid key and template (so the
 * fuzzer reaches the field rules, the proxy parser and admission).
 * In CI the inputs under {@code src/test/resources/…/CreateTaskFuzzTestInputs} run as regression tests; {@code
 * JAZZER_FUZZ=1} fuzzes (see docs/RELIABILITY.md). Names never resolve off the machine ({@code LocalOnlyResolver}).
 */
@Tag("fuzz")
class CreateTaskFuzzTest {

    private static TestNode node;
    private static String key;
    private static String publicKey;

    /** The node starts at the first input, not before: the fuzzer's coverage agent must see its classes load. */
    private static synchronized TestNode node() {
        if (node == null) {
            LoopbackOnly.allow(); // for the fuzzing thread, for good: Jazzer resets it only on that thread
            start();
        }
        return node;
    }

    private static void start() {
        // tasks hang for the whole run: none ends, so no callback is ever sent (Jazzer would take a callback's
        // connection, on a thread of the node's, for a request forgery), and none reaches an address off the machine
        node = TestNode.start(
                TestDatabase.H2, Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true", "SOLVEGATE_TASK_TIMEOUT", "1h"));
        long account = node.account(1_000_000, "0.001");
        node.credit(account, "1000000");
        key = node.key(account);
        publicKey = UUID.randomUUID().toString();
        node.template(publicKey, "test", "{\"outcome\":\"hang\"}");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    /** Raw bodies: the regression inputs are plain files, JSON or not. */
    @FuzzTest(maxDuration = "10m")
    void rawBodies(byte[] body) {
        TestNode n = node();
        String text =
                new String(body, StandardCharsets.UTF_8).replace("KEY", key).replace("TEMPLATE", publicKey);
        CatalogueReplies.assertCatalogue(n.post("/createTask", text), text);
    }

    /** JSON objects shaped like createTask bodies, assembled from the input. */
    @FuzzTest(maxDuration = "10m")
    void shapedBodies(FuzzedDataProvider data) {
        TestNode n = node();
        String body = FuzzJson.task(data, key, publicKey);
        CatalogueReplies.assertCatalogue(n.post("/createTask", body), body);
    }

    /** JSON shaped like a createTask body, from fuzz input. */
    static final class FuzzJson {
        private static final String[] SCHEMES = {"http", "socks4", "socks5", "HTTP", "ftp", ""};
        private static final String[] HOSTS = {"127.0.0.1", "[::1]", "203.0.113.7", "localhost", "10.0.0.1", ""};

        static String task(FuzzedDataProvider d, String key, String publicKey) {
            ObjectNode body = TestNode.obj();
            value(d, body, "clientKey", key);
            ObjectNode task = body.putObject("task");
            value(d, task, "type", "FunCaptchaTask");
            value(d, task, "websiteURL", "https://example.org/login");
            value(d, task, "websitePublicKey", publicKey);
            value(d, task, "websiteSubdomain", "challenge.example.org");
            value(d, task, "proxy", proxy(d));
            if (d.consumeBoolean()) {
                value(d, task, "data", "{\"blob\":\"" + d.consumeString(20) + "\"}");
            }
            if (d.consumeBoolean()) {
                ObjectNode headers = task.putObject("headers");
                int n = d.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    headers.put(d.consumeBoolean() ? "sec-ch-ua" : d.consumeString(12), d.consumeString(30));
                }
            }
            if (d.consumeBoolean()) {
                value(d, task, "userAgent", "Mozilla/5.0");
            }
            if (d.consumeBoolean()) {
                value(d, body, "callbackUrl", "http://127.0.0.1:9/cb");
            }
            String text = body.toString();
            return switch (d.consumeInt(0, 3)) {
                case 0 -> text + d.consumeString(8); // trailing bytes
                case 1 -> // a key twice
                    "{\"clientKey\":" + Json.MAPPER.getNodeFactory().textNode(d.consumeString(8)) + ","
                            + text.substring(1);
                default -> text;
            };
        }

        /** Puts the sensible value, a fuzzed one of some JSON type, or nothing. */
        private static void value(FuzzedDataProvider d, ObjectNode o, String name, String sensible) {
            switch (d.consumeInt(0, 7)) {
                case 0 -> {}
                case 1 -> o.putNull(name);
                case 2 -> o.put(name, d.consumeLong());
                case 3 -> o.putObject(name).put(d.consumeString(6), d.consumeString(6));
                case 4 -> o.put(name, d.consumeString(64));
                case 5 -> o.put(name, sensible + d.consumeString(8));
                default -> o.put(name, sensible);
            }
        }

        private static String proxy(FuzzedDataProvider d) {
            String scheme = d.pickValue(SCHEMES);
            String auth = d.consumeBoolean() ? d.consumeString(10) + ":" + d.consumeString(10) + "@" : "";
            String host = d.consumeBoolean() ? d.pickValue(HOSTS) : d.consumeString(20);
            String port = d.consumeBoolean() ? Integer.toString(d.consumeInt(-1, 70000)) : d.consumeString(6);
            return switch (d.consumeInt(0, 2)) {
                case 0 -> scheme + "://" + auth + host + ":" + port;
                case 1 -> host + ":" + port + ":" + d.consumeString(8) + ":" + d.consumeString(8);
                default -> scheme + ":" + host + ":" + port + ":" + d.consumeString(8) + ":" + d.consumeString(8);
            };
        }
    }
}
