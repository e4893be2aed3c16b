package dev.solvegate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.server.support.TestClock;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consoles' security rules over real HTTP: cookie flags, the CSP and no inline script, CSRF refusal, wrong
 * credentials, another account's data, sessions that do not cross listeners, idle expiry, sign-out, and logs
 * without credentials.
 */
class ConsoleSecurityTest {

    static final TestClock CLOCK = TestClock.at(Instant.parse("2026-06-01T10:00:00Z"));
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(TestDatabase.H2, Map.of(), CLOCK);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String admin(String path) {
        return "http://127.0.0.1:" + node.node().adminPort() + path;
    }

    private static String pub(String path) {
        return "http://127.0.0.1:" + node.node().port() + path;
    }

    private static Reply form(String url, String body, String cookie) {
        var b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return TestNode.send(b);
    }

    private static Reply get(String url, String cookie) {
        var b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return TestNode.send(b);
    }

    /** Signs in and returns the session cookie ({@code name=value}). */
    private static String signIn(String url, String body) {
        Reply r = form(url, body, null);
        assertThat(r.status()).as(r.raw()).isEqualTo(303);
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    private static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("the page carries its CSRF token").isTrue();
        return m.group(1);
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndAWrongTokenSetsNone() {
        Reply wrong = form(admin("/console/signin"), "token=wrong-token-wrong-token", null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(wrong.raw()).contains("not the admin token").doesNotContain("<table");

        Reply ok = form(admin("/console/signin"), "token=" + TestNode.ADMIN_TOKEN, null);
        assertThat(ok.status()).isEqualTo(303);
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie)
                .startsWith(OperatorConsole.COOKIE + "=")
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/")
                .contains("Max-Age=" + Sessions.LIFETIME.toSeconds())
                .doesNotContain(TestNode.ADMIN_TOKEN);
        assertThat(ok.headers().firstValue("Location")).contains("/console/");
    }

    @Test
    void everyPageHasAStrictCspAndNoInlineScriptOrStyle() {
        String cookie = signIn(admin("/console/signin"), "token=" + TestNode.ADMIN_TOKEN);
        long account = node.account(5, "0.001");
        List<String> pages = List.of(
                admin("/console/"),
                admin("/console/accounts/" + account),
                admin("/console/templates"),
                admin("/console/service"),
                pub("/console/"));
        for (String url : pages) {
            Reply r = get(url, cookie);
            assertThat(r.status()).as(url).isEqualTo(200);
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'");
            assertThat(csp).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
            Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(r.raw());
            while (scripts.find()) {
                assertThat(scripts.group(1))
                        .as("%s: every script is a file", url)
                        .contains("src=\"/console/");
            }
            assertThat(r.raw()).as(url).doesNotContainPattern("\\son[a-z]+=").doesNotContain(" style=");
        }
        Reply js = get(admin("/console/static/console.js"), null);
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(get(admin("/console/vendor/uplot/uPlot.iife.min.js"), null).status())
                .isEqualTo(200);
    }

    @Test
    void aSessionWithoutItsCsrfTokenChangesNothing() {
        String cookie = signIn(admin("/console/signin"), "token=" + TestNode.ADMIN_TOKEN);
        String token = csrf(get(admin("/console/"), cookie).raw());
        long account = node.account(5, "0.001");
        String credit = "{\"amount\":\"7\",\"reason\":\"console\"}";

        for (String given : new String[] {null, "forged", token + "x"}) {
            var b = HttpRequest.newBuilder(URI.create(admin("/admin/accounts/" + account + "/credits")))
                    .header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.ofString(credit));
            if (given != null) {
                b.header(OperatorConsole.CSRF_HEADER, given);
            }
            Reply r = TestNode.send(b);
            assertThat(r.status()).as("CSRF token %s", given).isEqualTo(403);
            assertThat(r.json().get("error").asText()).contains("CSRF");
        }
        assertThat(node.accountView(account).get("balance").asText()).isEqualTo("0.000000");

        Reply ok = TestNode.send(HttpRequest.newBuilder(URI.create(admin("/admin/accounts/" + account + "/credits")))
                .header("Cookie", cookie)
                .header(OperatorConsole.CSRF_HEADER, token)
                .POST(HttpRequest.BodyPublishers.ofString(credit)));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(node.accountView(account).get("balance").asText()).isEqualTo("7.000000");

        Reply noSession = TestNode.send(HttpRequest.newBuilder(URI.create(admin("/admin/accounts/" + account)))
                .header(OperatorConsole.CSRF_HEADER, token)
                .GET());
        assertThat(noSession.status()).as("a CSRF token alone is no credential").isEqualTo(401);

        Reply crossSite = TestNode.send(HttpRequest.newBuilder(URI.create(admin("/console/signin")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + TestNode.ADMIN_TOKEN)));
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.headers().firstValue("Set-Cookie")).isEmpty();
        Reply signOut = form(admin("/console/signout"), "csrf=wrong", cookie);
        assertThat(signOut.status()).as("sign-out needs the CSRF token").isEqualTo(403);
        assertThat(get(admin("/console/templates"), cookie).status()).isEqualTo(200);
    }

    @Test
    void sessionsEndWhenIdleAndAtSignOutAndDoNotCrossListeners() {
        String cookie = signIn(admin("/console/signin"), "token=" + TestNode.ADMIN_TOKEN);
        assertThat(get(admin("/console/service"), cookie).status()).isEqualTo(200);
        assertThat(get(pub("/console/"), cookie).raw())
                .as("the operator's session means nothing on the public listener")
                .contains("Client key")
                .doesNotContain("Available balance");

        CLOCK.advance(Sessions.IDLE.minusMinutes(1));
        assertThat(get(admin("/console/service"), cookie).status())
                .as("used within the idle time")
                .isEqualTo(200);
        CLOCK.advance(Sessions.IDLE);
        Reply expired = get(admin("/console/service"), cookie);
        assertThat(expired.status()).isEqualTo(303);
        assertThat(get(admin("/console/"), cookie).raw()).contains("Admin token");

        String again = signIn(admin("/console/signin"), "token=" + TestNode.ADMIN_TOKEN);
        String token = csrf(get(admin("/console/"), again).raw());
        Reply out = form(admin("/console/signout"), "csrf=" + token, again);
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(get(admin("/console/service"), again).status())
                .as("signed out")
                .isEqualTo(303);
        Reply api = TestNode.send(HttpRequest.newBuilder(URI.create(admin("/admin/service")))
                .header("Cookie", again)
                .header(OperatorConsole.CSRF_HEADER, token)
                .GET());
        assertThat(api.status()).isEqualTo(401);
    }

    @Test
    void aCustomerSeesOnlyTheirOwnAccountAndAWrongKeySeesNothing() {
        long mine = node.adminOk("POST", "/admin/accounts", TestNode.obj().put("name", "Mine Incorporated"))
                .get("id")
                .asLong();
        long theirs = node.adminOk("POST", "/admin/accounts", TestNode.obj().put("name", "Theirs Limited"))
                .get("id")
                .asLong();
        node.credit(mine, "3");
        node.credit(theirs, "4444");
        String key = node.key(mine);
        node.key(theirs);

        Reply wrong = form(pub("/console/signin"), "clientKey=0123456789abcdef0123456789abcdef", null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(wrong.raw())
                .doesNotContain("Mine Incorporated")
                .doesNotContain("Theirs")
                .doesNotContain("<table");

        String cookie = signIn(pub("/console/signin"), "clientKey=" + key);
        assertThat(cookie).startsWith(CustomerConsole.COOKIE + "=").doesNotContain(key);
        Reply page = get(pub("/console/"), cookie);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw())
                .contains("Mine Incorporated")
                .contains("3.000000")
                .doesNotContain("Theirs Limited")
                .doesNotContain("4444")
                .as("the page never shows the key")
                .doesNotContain(key);
        assertThat(get(admin("/console/"), cookie).raw())
                .as("the customer's session means nothing on the admin listener")
                .contains("Admin token");
        Reply adminApi = TestNode.send(HttpRequest.newBuilder(URI.create(admin("/admin/accounts/" + theirs)))
                .header("Cookie", cookie)
                .header(OperatorConsole.CSRF_HEADER, csrf(page.raw()))
                .GET());
        assertThat(adminApi.status()).isEqualTo(401);

        node.adminOk("PATCH", "/admin/accounts/" + mine, TestNode.obj().put("status", "suspended"));
        Reply suspended = get(pub("/console/"), cookie);
        assertThat(suspended.status()).isEqualTo(401);
        assertThat(suspended.raw()).contains("suspended").doesNotContain("3.000000");
    }

    @Test
    void signInsNeverLogTheirCredentials() {
        List<String> logged = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("dev.solvegate");
        Level before = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(h);
        try {
            long account = node.account(5, "0.001");
            String key = node.key(account);
            form(admin("/console/signin"), "token=" + TestNode.ADMIN_TOKEN, null);
            form(admin("/console/signin"), "token=wrong-" + TestNode.ADMIN_TOKEN, null);
            form(pub("/console/signin"), "clientKey=" + key, null);
            form(pub("/console/signin"), "clientKey=" + key + "0", null);
            assertThat(logged).anyMatch(l -> l.contains("signed in"));
            assertThat(String.join("\n", logged))
                    .doesNotContain(TestNode.ADMIN_TOKEN)
                    .doesNotContain(key);
        } finally {
            root.removeHandler(h);
            root.setLevel(before);
        }
        assertThat(Duration.ofMinutes(30)).isEqualTo(Sessions.IDLE);
    }
}
