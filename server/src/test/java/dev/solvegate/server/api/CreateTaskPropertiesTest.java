package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Over generated createTask bodies (each field valid, wrong, of the wrong type, or missing): every reply is
 * either an accepted task or a catalogue code with that code's status and exactly the error body, and no
 * reply leaks internals or the proxy password.
 */
class CreateTaskPropertiesTest {

    private static TestNode node;
    private static String key;
    private static final Set<String> CODES =
            Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());

    @BeforeContainer
    static void start() {
        node = TestNode.start(TestDatabase.H2, Map.of());
        new Fixture(node);
        long account = node.account(1_000_000, "0.001");
        node.credit(account, "1000000");
        key = node.key(account);
    }

    @AfterContainer
    static void stop() {
        node.close();
    }

    @Property(tries = 300)
    void everyReplyIsACatalogueAnswer(@ForAll("bodies") String body) {
        Reply r = node.post("/createTask", body);
        assertThat(r.json()).as(r.raw()).isNotNull();
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        if (r.json().get("errorId").asInt() == 0) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(fieldNames(r.json())).containsExactly("errorId", "taskId");
        } else {
            assertThat(CODES).contains(r.errorCode());
            assertThat(r.status())
                    .as(r.raw())
                    .isEqualTo(ErrorCode.valueOf(r.errorCode()).httpStatus());
            assertThat(fieldNames(r.json())).containsExactly("errorId", "errorCode", "errorDescription");
        }
        assertThat(r.raw()).doesNotContain("Exception", "\tat ", "SQL", "jdbc", "/work", "secretpass", "h2");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<Object> type = field("FunCaptchaTask", "funcaptchatask", "FunCaptchaTaskProxyless", "", 7);
        Arbitrary<Object> url = field("https://example.org/login", "http://a.example/x", "ftp://x", "not a url", 1);
        Arbitrary<Object> publicKey = field(
                Fixture.HANG_KEY, Fixture.HANG_KEY.toUpperCase(), "11111111-2222-4333-8444-555555555555", "xyz", 3.5);
        Arbitrary<Object> subdomain =
                field("challenge.example.org", "https://c.example.org/path", "bad host!", "", false);
        Arbitrary<Object> proxy = field(
                "http://u:secretpass@203.0.113.7:8080",
                "socks5:203.0.113.7:1080:u:secretpass",
                "http://u:secretpass@127.0.0.1:8080",
                "ftp://u:p@1.2.3.4:1",
                "http://u:secretpass@1.2.3.4:99999",
                "garbage",
                80);
        Arbitrary<Object> data = field("{\"blob\":\"x\"}", "not json", "[1]", 12);
        Arbitrary<Object> headers =
                field("{\"User-Agent\":\"ua\"}", "{\"sec-ch-ua\":\"x\"}", "{\"n\":1}", "{broken", List.of());
        Arbitrary<Object> clientKey = Arbitraries.of((Object) "KEY", "unknown", "", 5, Missing.VALUE);
        Arbitrary<Boolean> taskIsObject = Arbitraries.of(true, true, true, false);
        Arbitrary<Boolean> garbage = Arbitraries.of(false, false, false, false, true);
        return Combinators.combine(List.of(type, url, publicKey, subdomain, proxy, data, headers, clientKey))
                .as(values -> values)
                .flatMap(values -> Combinators.combine(taskIsObject, garbage).as((isObject, junk) -> {
                    if (junk) {
                        return "{\"clientKey\": [" + values.hashCode() + "";
                    }
                    ObjectNode body = TestNode.obj();
                    put(body, "clientKey", values.get(7) == "KEY" ? key : values.get(7));
                    ObjectNode task = TestNode.obj();
                    String[] names = {
                        "type", "websiteURL", "websitePublicKey", "websiteSubdomain", "proxy", "data", "headers"
                    };
                    for (int i = 0; i < names.length; i++) {
                        put(task, names[i], values.get(i));
                    }
                    if (isObject) {
                        body.set("task", task);
                    } else {
                        body.put("task", task.toString());
                    }
                    return body.toString();
                }));
    }

    private enum Missing {
        VALUE
    }

    /** One field's choices: the given values (strings, numbers, booleans, lists) or absent. */
    private static Arbitrary<Object> field(Object... values) {
        List<Object> all = new ArrayList<>(Arrays.asList(values));
        all.add(Missing.VALUE);
        return Arbitraries.of(all);
    }

    private static void put(ObjectNode o, String name, Object v) {
        switch (v) {
            case Missing m -> {}
            case String s -> o.put(name, s);
            case Integer i -> o.put(name, i);
            case Double d -> o.put(name, d);
            case Boolean b -> o.put(name, b);
            case List<?> l -> o.putArray(name);
            default -> throw new IllegalArgumentException(String.valueOf(v));
        }
    }
}
