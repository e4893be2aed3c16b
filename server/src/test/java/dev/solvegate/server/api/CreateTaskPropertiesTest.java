package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Over generated createTask bodies (each field valid, wrong, of the wrong type, or missing): every reply is
 * either an accepted task or a catalogue code with that code's status and exactly the error body; it is the
 * first rule the body breaks in the documented check order; and no reply leaks internals or the proxy password.
 *
 * <p>Bodies come from {@code new Random(seed)} over a fixed list of seeds, and the seed is the test's display
 * name: {@code Body.generate(new Random(seed))} rebuilds a failing body. {@link #oneFieldOff} adds every single
 * choice of every field against an otherwise valid body, which random draws over eight fields rarely reach.
 */
class CreateTaskPropertiesTest {

    private static final int SEEDS = 300;
    private static final long MAX_TASK_ID = (1L << 53) - 1;

    private static TestNode node;
    private static String key;

    @BeforeAll
    static void start() {
        node = TestNode.start(TestDatabase.H2, Map.of());
        new Fixture(node);
        long account = node.account(1_000_000, "0.001");
        node.credit(account, "1000000");
        key = node.key(account);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * A fixed list of well-spread seeds. (Consecutive small seeds would not do: the first values of {@code new
     * Random(1)}, {@code new Random(2)}, … are nearly the same, so the first field would hardly vary.)
     */
    static LongStream seeds() {
        return new Random(20_261_201).longs(SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyReplyIsTheFirstBrokenRuleOrATask(long seed) {
        assertReplyFollowsTheRules(Body.generate(new Random(seed)), "seed " + seed);
    }

    static Stream<Arguments> oneFieldOff() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("every field valid", Body.valid()));
        for (int f = 0; f < Body.FIELDS.size(); f++) {
            List<Choice> choices = Body.FIELDS.get(f).choices();
            for (int c = 1; c < choices.size(); c++) {
                Body b = Body.valid().with(f, choices.get(c));
                cases.add(Arguments.of(
                        Body.FIELDS.get(f).name() + " = " + show(choices.get(c).value()), b));
            }
        }
        cases.add(Arguments.of("task sent as a string", Body.valid().taskAsString()));
        cases.add(Arguments.of("body not JSON", Body.valid().garbled(42)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneFieldOff")
    void oneFieldOffAValidBodyIsRefusedByThatFieldsRule(String name, Body body) {
        assertReplyFollowsTheRules(body, name);
    }

    private static String show(Object value) {
        return switch (value) {
            case Missing m -> "(absent)";
            case String s -> "\"" + s + "\"";
            default -> String.valueOf(value);
        };
    }

    private static void assertReplyFollowsTheRules(Body body, String label) {
        String json = body.json(key);
        Reply r = node.post("/createTask", json);
        String context = label + ": " + json + " -> " + r.status() + " " + r.raw();

        assertThat(r.json()).as(context).isNotNull();
        assertThat(r.headers().firstValue("Content-Type")).as(context).hasValue("application/json");
        ErrorCode expected = body.expected();
        if (expected == null) {
            assertThat(r.status()).as(context).isEqualTo(200);
            assertThat(fieldNames(r.json())).as(context).containsExactly("errorId", "taskId");
            assertThat(r.json().get("errorId").asInt()).as(context).isZero();
            assertThat(r.json().get("taskId").asLong()).as(context).isBetween(1L, MAX_TASK_ID);
        } else {
            assertThat(r.json().get("errorId").asInt()).as(context).isEqualTo(1);
            assertThat(r.errorCode()).as(context).isEqualTo(expected.name());
            assertThat(r.status()).as(context).isEqualTo(expected.httpStatus());
            assertThat(fieldNames(r.json())).as(context).containsExactly("errorId", "errorCode", "errorDescription");
            assertThat(r.json().get("errorDescription").asText()).as(context).isNotBlank();
        }
        assertThat(r.raw())
                .as(context)
                .doesNotContain("Exception", "\tat ", "SQL", "jdbc", "/work", "secretpass", "h2");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Stands for an absent field. */
    private enum Missing {
        VALUE
    }

    /** Stands for the test account's real key. */
    private enum RealKey {
        VALUE
    }

    /** One value for a field, and the code it alone earns (null: the value is valid). */
    private record Choice(Object value, ErrorCode refusal) {}

    /** A field of the body, its valid value first. */
    private record Field(String name, List<Choice> choices) {}

    private static Choice ok(Object value) {
        return new Choice(value, null);
    }

    private static Choice bad(Object value, ErrorCode code) {
        return new Choice(value, code);
    }

    private static Field field(String name, Choice... choices) {
        return new Field(name, List.of(choices));
    }

    /**
     * A generated body: one choice per field, whether {@code task} is an object or a string holding one, and
     * whether the whole body is cut short (not JSON).
     */
    private record Body(List<Choice> picks, boolean taskIsObject, Integer garbage) {

        /** The fields in the order the server checks them (the key first, then the task's fields). */
        static final List<Field> FIELDS = List.of(
                field(
                        "clientKey",
                        ok(RealKey.VALUE),
                        bad("unknown", ErrorCode.ERROR_KEY_DOES_NOT_EXIST),
                        bad("", ErrorCode.ERROR_KEY_DOES_NOT_EXIST),
                        bad(5, ErrorCode.ERROR_KEY_DOES_NOT_EXIST),
                        bad(Missing.VALUE, ErrorCode.ERROR_KEY_DOES_NOT_EXIST)),
                field(
                        "type",
                        ok("FunCaptchaTask"),
                        ok("funcaptchatask"),
                        bad("FunCaptchaTaskProxyless", ErrorCode.ERROR_TASK_NOT_SUPPORTED),
                        bad("", ErrorCode.ERROR_TASK_NOT_SUPPORTED),
                        bad(7, ErrorCode.ERROR_TASK_NOT_SUPPORTED),
                        bad(Missing.VALUE, ErrorCode.ERROR_TASK_NOT_SUPPORTED)),
                field(
                        "websiteURL",
                        ok("https://example.org/login"),
                        ok("http://a.example/x"),
                        bad("ftp://x", ErrorCode.ERROR_MISSING_WEBSITE_URL),
                        bad("not a url", ErrorCode.ERROR_MISSING_WEBSITE_URL),
                        bad(1, ErrorCode.ERROR_MISSING_WEBSITE_URL),
                        bad(Missing.VALUE, ErrorCode.ERROR_MISSING_WEBSITE_URL)),
                field(
                        "websitePublicKey",
                        ok(Fixture.HANG_KEY),
                        ok(Fixture.HANG_KEY.toUpperCase(java.util.Locale.ROOT)),
                        // a valid UUID with no template: refused after every field rule
                        bad("11111111-2222-4333-8444-555555555555", ErrorCode.ERROR_TEMPLATE_NOT_FOUND),
                        bad("xyz", ErrorCode.ERROR_INVALID_PUBLIC_KEY),
                        bad(3.5, ErrorCode.ERROR_INVALID_PUBLIC_KEY),
                        bad("", ErrorCode.ERROR_MISSING_PUBLIC_KEY),
                        bad(Missing.VALUE, ErrorCode.ERROR_MISSING_PUBLIC_KEY)),
                field(
                        "websiteSubdomain",
                        ok("challenge.example.org"),
                        ok("https://c.example.org/path"),
                        bad("bad host!", ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN),
                        bad("", ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN),
                        bad(false, ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN),
                        bad(Missing.VALUE, ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN)),
                field(
                        "proxy",
                        ok("http://u:secretpass@203.0.113.7:8080"),
                        ok("socks5:203.0.113.7:1080:u:secretpass"),
                        bad("http://u:secretpass@127.0.0.1:8080", ErrorCode.ERROR_INVALID_PROXY_FORMAT),
                        bad("ftp://u:p@1.2.3.4:1", ErrorCode.ERROR_INVALID_PROXY_PROTOCOL),
                        bad("http://u:secretpass@1.2.3.4:99999", ErrorCode.ERROR_INVALID_PROXY_PORT),
                        bad("http://203.0.113.7:8080", ErrorCode.ERROR_INVALID_PROXY_AUTH),
                        bad("garbage", ErrorCode.ERROR_INVALID_PROXY_FORMAT),
                        // not a string, and no structured proxy fields: no proxy given
                        bad(80, ErrorCode.ERROR_MISSING_PROXY),
                        bad(Missing.VALUE, ErrorCode.ERROR_MISSING_PROXY)),
                field(
                        "data",
                        ok("{\"blob\":\"x\"}"),
                        ok(Missing.VALUE),
                        ok(""),
                        bad("not json", ErrorCode.ERROR_INVALID_EXTRA_DATA),
                        bad("[1]", ErrorCode.ERROR_INVALID_EXTRA_DATA),
                        bad(12, ErrorCode.ERROR_INVALID_EXTRA_DATA)),
                field(
                        "headers",
                        ok("{\"User-Agent\":\"ua\"}"),
                        ok(Missing.VALUE),
                        bad("{\"sec-ch-ua\":\"x\"}", ErrorCode.ERROR_MISSING_USER_AGENT),
                        bad("{\"n\":1}", ErrorCode.ERROR_INVALID_HEADERS),
                        bad("{broken", ErrorCode.ERROR_INVALID_HEADERS),
                        bad(List.of(), ErrorCode.ERROR_INVALID_HEADERS)));

        static Body valid() {
            return new Body(FIELDS.stream().map(f -> f.choices().getFirst()).toList(), true, null);
        }

        /**
         * Each field valid half the time, else uniformly among all its choices (so that draws get past the key
         * and combine several wrong fields deep in the order); the task a string and the body cut short 1 time
         * in 10 each.
         */
        static Body generate(Random random) {
            List<Choice> picks = FIELDS.stream()
                    .map(f -> random.nextBoolean()
                            ? f.choices().getFirst()
                            : f.choices().get(random.nextInt(f.choices().size())))
                    .toList();
            boolean taskIsObject = random.nextInt(10) != 0;
            Integer garbage = random.nextInt(10) == 0 ? random.nextInt() : null;
            return new Body(picks, taskIsObject, garbage);
        }

        Body with(int field, Choice choice) {
            List<Choice> changed = new ArrayList<>(picks);
            changed.set(field, choice);
            return new Body(List.copyOf(changed), taskIsObject, garbage);
        }

        Body taskAsString() {
            return new Body(picks, false, garbage);
        }

        Body garbled(int seed) {
            return new Body(picks, taskIsObject, seed);
        }

        /**
         * The first rule broken, in the server's order: not JSON; the key; {@code task} not an object; the task's
         * fields in order; then the template. Null when the task is to be accepted.
         */
        ErrorCode expected() {
            if (garbage != null) {
                return ErrorCode.ERROR_MISSING_REQUEST_DATA;
            }
            if (picks.getFirst().refusal() != null) {
                return picks.getFirst().refusal();
            }
            if (!taskIsObject) {
                return ErrorCode.ERROR_MISSING_REQUEST_DATA;
            }
            return picks.stream()
                    .skip(1)
                    .map(Choice::refusal)
                    .filter(Objects::nonNull)
                    .filter(code -> code != ErrorCode.ERROR_TEMPLATE_NOT_FOUND)
                    .findFirst()
                    .orElse(picks.get(3).refusal());
        }

        String json(String realKey) {
            if (garbage != null) {
                return "{\"clientKey\": [" + garbage;
            }
            ObjectNode body = TestNode.obj();
            Object clientKey = picks.getFirst().value();
            put(body, "clientKey", clientKey == RealKey.VALUE ? realKey : clientKey);
            ObjectNode task = TestNode.obj();
            for (int i = 1; i < FIELDS.size(); i++) {
                put(task, FIELDS.get(i).name(), picks.get(i).value());
            }
            if (taskIsObject) {
                body.set("task", task);
            } else {
                body.put("task", task.toString());
            }
            return body.toString();
        }

        @Override
        public String toString() {
            return json("KEY");
        }
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
