package dev.solvegate.server.api;

import static dev.solvegate.server.api.Fixture.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * createTask through real HTTP: every error a request can cause, the check order, and that a refused request
 * changes nothing. Runs on H2 and on PostgreSQL (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CreateTaskContract {

    private final TestDatabase db;
    private Fixture fx;
    private long account;
    private String key;

    CreateTaskContract(TestDatabase db) {
        this.db = db;
    }

    @BeforeAll
    void start() {
        fx = new Fixture(TestNode.start(db, Map.of()));
    }

    @AfterAll
    void stop() {
        fx.node.close();
    }

    @BeforeEach
    void freshAccount() {
        account = fx.node.account(100, "0.00075");
        fx.node.credit(account, "1");
        key = fx.node.key(account);
    }

    private Reply create(ObjectNode body) {
        return fx.node.post("/createTask", body);
    }

    /** Sends {@code body}, expects {@code code} with its seed status, and checks nothing changed. */
    private Reply refused(ObjectNode body, ErrorCode code) {
        return refusedRaw(body.toString(), code);
    }

    private static String description(Reply r) {
        return r.json().get("errorDescription").asText();
    }

    private Reply refusedRaw(String body, ErrorCode code) {
        String before = fx.state(account);
        long tasks = fx.taskCount();
        Reply r = fx.node.post("/createTask", body);
        assertThat(r.errorCode()).as(r.raw()).isEqualTo(code.name());
        assertThat(r.status()).isEqualTo(code.httpStatus());
        assertThat(r.json().get("errorId").asInt()).isEqualTo(1);
        assertThat(r.json().get("errorDescription").asText()).isNotBlank();
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Retry-After").isPresent()).isEqualTo(code.retryable());
        assertThat(fx.state(account)).isEqualTo(before);
        assertThat(fx.taskCount()).isEqualTo(tasks);
        assertThat(r.raw()).doesNotContain("secretpass");
        return r;
    }

    private ObjectNode withTask(Consumer<ObjectNode> change) {
        ObjectNode body = body(key);
        change.accept((ObjectNode) body.get("task"));
        return body;
    }

    @Test
    void validTaskIsAcceptedWithHoldAndThreadSlot() {
        Reply r = create(body(key));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("errorId").asInt()).isZero();
        assertThat(r.json().get("taskId").asLong()).isPositive().isLessThan(1L << 53);
        assertThat(fx.state(account)).isEqualTo("balance=1.000000 held=0.000750 inFlight=1");
    }

    @Test
    void compatibilityFormsAreAccepted() {
        ObjectNode body = withTask(t -> {
            t.put("type", "funcaptchatask");
            t.remove("websiteSubdomain");
            t.put("funcaptchaApiJSSubdomain", "https://client-api.example.org/fc/api/");
            t.remove("proxy");
            t.put("proxyType", "socks5")
                    .put("proxyAddress", "203.0.113.9")
                    .put("proxyPort", 1080)
                    .put("proxyLogin", "u")
                    .put("proxyPassword", "secretpass");
            t.put("websitePublicKey", Fixture.HANG_KEY.toUpperCase());
            t.put("data", "{\"blob\":\"x\"}");
            t.put("headers", "{\"sec-ch-ua\":\"x\",\"User-Agent\":\"ua\"}");
        });
        body.remove("clientKey");
        body.put("ClientKey", key);
        assertThat(create(body).json().get("errorId").asInt()).isZero();
        for (String proxy :
                new String[] {"socks4:203.0.113.7:1080:u:p", "203.0.113.7:3128:u:p", "u:p@203.0.113.7:3128"}) {
            assertThat(create(withTask(t -> t.put("proxy", proxy)))
                            .json()
                            .get("errorId")
                            .asInt())
                    .as(proxy)
                    .isZero();
        }
        assertThat(fx.node.post("/createTask/", body(key)).status()).isEqualTo(200);
    }

    @Test
    void malformedBodiesAreMissingRequestDataSayingWhatIsWrong() {
        assertThat(description(refusedRaw("", ErrorCode.ERROR_MISSING_REQUEST_DATA)))
                .isEqualTo("Request payload is missing or empty");
        assertThat(description(refusedRaw("not json", ErrorCode.ERROR_MISSING_REQUEST_DATA)))
                .isEqualTo("Request body is not valid JSON");
        assertThat(description(refusedRaw("[1,2]", ErrorCode.ERROR_MISSING_REQUEST_DATA)))
                .isEqualTo("Request body must be a JSON object");
        assertThat(description(refusedRaw("{\"clientKey\":", ErrorCode.ERROR_MISSING_REQUEST_DATA)))
                .isEqualTo("Request body is not valid JSON");
        refused(TestNode.obj().put("clientKey", key), ErrorCode.ERROR_MISSING_REQUEST_DATA);
        refused(
                TestNode.obj().put("clientKey", key).put("task", "FunCaptchaTask"),
                ErrorCode.ERROR_MISSING_REQUEST_DATA);
    }

    @Test
    void keyAndAccountStatesAreCheckedBeforeTheTask() {
        refused(TestNode.obj().put("clientKey", "nope"), ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
        refused(body("0123456789abcdef0123456789abcdef"), ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
        refused(TestNode.obj().put("task", "x"), ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
        ObjectNode wrongType = body("nope");
        ((ObjectNode) wrongType.get("task")).put("type", "Other");
        refused(wrongType, ErrorCode.ERROR_KEY_DOES_NOT_EXIST);

        var created = fx.node.adminOk("POST", "/admin/accounts/" + account + "/keys", TestNode.obj());
        assertThat(create(body(created.get("clientKey").asText())).status()).isEqualTo(200);
        fx.node.adminOk("DELETE", "/admin/keys/" + created.get("id").asLong(), null);
        refused(body(created.get("clientKey").asText()), ErrorCode.ERROR_KEY_DOES_NOT_EXIST);

        fx.node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "suspended"));
        refused(withTask(t -> t.put("type", "Other")), ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        fx.node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("status", "active"));

        long pkg = fx.node.pkg(account, 10, 100, 100, "2099-01-01T00:00:00Z");
        String pkgKey = fx.node.packageKey(account, pkg);
        fx.node.adminOk("PATCH", "/admin/packages/" + pkg, TestNode.obj().put("paused", true));
        refused(body(pkgKey), ErrorCode.ERROR_PACKAGE_PAUSED);
        fx.node.adminOk(
                "PATCH",
                "/admin/packages/" + pkg,
                TestNode.obj().put("paused", false).put("expiresAt", "2001-01-01T00:00:00Z"));
        refused(body(pkgKey), ErrorCode.ERROR_PACKAGE_EXPIRED);
    }

    @Test
    void everyFieldRuleHasItsCode() {
        refused(withTask(t -> t.remove("type")), ErrorCode.ERROR_TASK_NOT_SUPPORTED);
        refused(withTask(t -> t.put("type", "FunCaptchaTaskProxyless")), ErrorCode.ERROR_TASK_NOT_SUPPORTED);
        refused(withTask(t -> t.put("type", "RecaptchaV2Task")), ErrorCode.ERROR_TASK_NOT_SUPPORTED);
        refused(withTask(t -> t.remove("websiteURL")), ErrorCode.ERROR_MISSING_WEBSITE_URL);
        refused(withTask(t -> t.put("websiteURL", "")), ErrorCode.ERROR_MISSING_WEBSITE_URL);
        refused(withTask(t -> t.put("websiteURL", "ftp://example.org/")), ErrorCode.ERROR_MISSING_WEBSITE_URL);
        refused(withTask(t -> t.put("websiteURL", "example.org/login")), ErrorCode.ERROR_MISSING_WEBSITE_URL);
        refused(withTask(t -> t.remove("websitePublicKey")), ErrorCode.ERROR_MISSING_PUBLIC_KEY);
        refused(withTask(t -> t.put("websitePublicKey", "")), ErrorCode.ERROR_MISSING_PUBLIC_KEY);
        refused(withTask(t -> t.put("websitePublicKey", "not-a-uuid")), ErrorCode.ERROR_INVALID_PUBLIC_KEY);
        refused(withTask(t -> t.put("websitePublicKey", 42)), ErrorCode.ERROR_INVALID_PUBLIC_KEY);
        refused(withTask(t -> t.remove("websiteSubdomain")), ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN);
        refused(withTask(t -> t.put("websiteSubdomain", "")), ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN);
        refused(withTask(t -> t.put("websiteSubdomain", "not a host")), ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN);
        refused(withTask(t -> t.remove("proxy")), ErrorCode.ERROR_MISSING_PROXY);
        refused(withTask(t -> t.put("proxy", "ftp://u:p@203.0.113.7:21")), ErrorCode.ERROR_INVALID_PROXY_PROTOCOL);
        refused(withTask(t -> t.put("proxy", "http://u:p@203.0.113.7:70000")), ErrorCode.ERROR_INVALID_PROXY_PORT);
        refused(withTask(t -> t.put("proxy", "http://203.0.113.7:8080")), ErrorCode.ERROR_INVALID_PROXY_AUTH);
        refused(withTask(t -> t.put("proxy", "garbage")), ErrorCode.ERROR_INVALID_PROXY_FORMAT);
        Reply loopback = refused(
                withTask(t -> t.put("proxy", "http://u:secretpass@127.0.0.1:8080")),
                ErrorCode.ERROR_INVALID_PROXY_FORMAT);
        assertThat(loopback.json().get("errorDescription").asText()).contains("non-public");
        refused(
                withTask(t -> t.put("proxy", "socks5://u:p@[::ffff:10.0.0.1]:1080")),
                ErrorCode.ERROR_INVALID_PROXY_FORMAT);
        refused(withTask(t -> t.put("data", "not json")), ErrorCode.ERROR_INVALID_EXTRA_DATA);
        refused(withTask(t -> t.put("data", "[1]")), ErrorCode.ERROR_INVALID_EXTRA_DATA);
        refused(withTask(t -> t.put("data", 5)), ErrorCode.ERROR_INVALID_EXTRA_DATA);
        refused(withTask(t -> t.putArray("headers").add("x")), ErrorCode.ERROR_INVALID_HEADERS);
        refused(withTask(t -> t.putObject("headers").put("X-Number", 1)), ErrorCode.ERROR_INVALID_HEADERS);
        refused(withTask(t -> t.put("headers", "{broken")), ErrorCode.ERROR_INVALID_HEADERS);
        refused(withTask(t -> t.putObject("headers").put("Sec-CH-UA", "x")), ErrorCode.ERROR_MISSING_USER_AGENT);
        assertThat(create(withTask(t -> {
                            t.put("userAgent", "ua");
                            t.putObject("headers").put("sec-ch-ua", "x");
                        }))
                        .status())
                .isEqualTo(200);
        assertThat(create(withTask(t ->
                                t.putObject("headers").put("sec-ch-ua", "x").put("user-agent", "ua")))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theEarlierCheckWins() {
        // URL before public key before subdomain before proxy before data before headers before user agent
        refused(
                withTask(t ->
                        t.put("websiteURL", "x").put("websitePublicKey", "x").put("proxy", "x")),
                ErrorCode.ERROR_MISSING_WEBSITE_URL);
        refused(
                withTask(t -> {
                    t.put("websitePublicKey", "x");
                    t.remove("websiteSubdomain");
                }),
                ErrorCode.ERROR_INVALID_PUBLIC_KEY);
        refused(
                withTask(t -> {
                    t.remove("websiteSubdomain");
                    t.put("proxy", "x");
                }),
                ErrorCode.ERROR_MISSING_WEBSITE_SUBDOMAIN);
        refused(withTask(t -> t.put("proxy", "x").put("data", "x")), ErrorCode.ERROR_INVALID_PROXY_FORMAT);
        refused(withTask(t -> t.put("data", "x").put("headers", "x")), ErrorCode.ERROR_INVALID_EXTRA_DATA);
        refused(withTask(t -> t.put("headers", "[]").put("type", "FunCaptchaTask")), ErrorCode.ERROR_INVALID_HEADERS);
        refused(withTask(t -> t.put("type", "x").put("websiteURL", "x")), ErrorCode.ERROR_TASK_NOT_SUPPORTED);
        // fields before template before limits
        refused(
                withTask(t -> t.put("websitePublicKey", "11111111-2222-4333-8444-555555555555")
                        .put("proxy", "x")),
                ErrorCode.ERROR_INVALID_PROXY_FORMAT);
        fx.node.adminOk(
                "POST",
                "/admin/accounts/" + account + "/credits",
                TestNode.obj().put("amount", "-1").put("reason", "t"));
        refused(
                withTask(t -> t.put("websitePublicKey", "11111111-2222-4333-8444-555555555555")),
                ErrorCode.ERROR_TEMPLATE_NOT_FOUND);
        refused(withTask(t -> t.put("websitePublicKey", Fixture.NO_CAPACITY_KEY)), ErrorCode.ERROR_ZERO_BALANCE);
    }

    @Test
    void limitsRefuseInSpecOrder() {
        fx.node.adminOk("PATCH", "/admin/accounts/" + account, TestNode.obj().put("maxThreads", 1));
        assertThat(create(body(key)).status()).isEqualTo(200);
        refused(body(key), ErrorCode.ERROR_THREAD_THRESHOLD_EXCEEDED);

        long poor = fx.node.account(5, "0.5");
        fx.node.credit(poor, "0.4");
        String poorKey = fx.node.key(poor);
        Reply r = fx.node.post("/createTask", body(poorKey));
        assertThat(r.errorCode()).isEqualTo("ERROR_ZERO_BALANCE");
        assertThat(r.status()).isEqualTo(402);
        assertThat(fx.node.accountView(poor).get("held").asText()).isEqualTo("0.000000");

        long rich = fx.node.account(5, "0.001");
        fx.node.credit(rich, "1");
        ObjectNode noCapacity = body(fx.node.key(rich));
        ((ObjectNode) noCapacity.get("task")).put("websitePublicKey", Fixture.NO_CAPACITY_KEY);
        Reply nc = fx.node.post("/createTask", noCapacity);
        assertThat(nc.errorCode()).isEqualTo("ERROR_FINGERPRINT_UNAVAILABLE");
        assertThat(nc.status()).isEqualTo(503);
        assertThat(fx.node.accountView(rich).get("inFlight").asInt()).isZero();
    }

    @Test
    void packageQuotaIsCountedAndRefused() {
        long pkg = fx.node.pkg(account, 10, 2, 100, "2099-01-01T00:00:00Z");
        String pkgKey = fx.node.packageKey(account, pkg);
        assertThat(create(body(pkgKey)).status()).isEqualTo(200);
        assertThat(create(body(pkgKey)).status()).isEqualTo(200);
        Reply third = fx.node.post("/createTask", body(pkgKey));
        assertThat(third.errorCode()).isEqualTo("ERROR_RATE_LIMIT_EXCEEDED");
        assertThat(third.status()).isEqualTo(429);
        var view = fx.node.adminOk("GET", "/admin/packages/" + pkg, null);
        assertThat(view.get("hourlyUsed").asInt()).isEqualTo(2);
        assertThat(view.get("dailyUsed").asInt()).isEqualTo(2);
        assertThat(view.get("inFlight").asInt()).isEqualTo(2);
        // package keys are not charged per task: no hold
        assertThat(fx.node.accountView(account).get("held").asText()).isEqualTo("0.000000");
    }

    @Test
    void packageThreadsLimitInFlightTasks() {
        long pkg = fx.node.pkg(account, 1, 100, 100, "2099-01-01T00:00:00Z");
        String pkgKey = fx.node.packageKey(account, pkg);
        assertThat(create(body(pkgKey)).status()).isEqualTo(200);
        Reply r = fx.node.post("/createTask", body(pkgKey));
        assertThat(r.errorCode()).isEqualTo("ERROR_THREAD_THRESHOLD_EXCEEDED");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void intakeOffAnswersServiceUnavailableFirst() {
        fx.node.adminOk("PUT", "/admin/service", TestNode.obj().put("acceptingTasks", false));
        try {
            refusedRaw("not json", ErrorCode.ERROR_SERVICE_UNAVALIABLE);
            refused(body(key), ErrorCode.ERROR_SERVICE_UNAVALIABLE);
            assertThat(fx.node
                            .post("/getBalance", TestNode.obj().put("clientKey", key))
                            .status())
                    .isEqualTo(200);
        } finally {
            fx.node.adminOk("PUT", "/admin/service", TestNode.obj().put("acceptingTasks", true));
        }
        assertThat(create(body(key)).status()).isEqualTo(200);
    }

    @Test
    void callbackUrlMustBeHttp() {
        ObjectNode body = body(key).put("callbackUrl", "file:///etc/passwd");
        refused(body, ErrorCode.ERROR_MISSING_REQUEST_DATA);
    }

    @Test
    void callbackUrlOnAPrivateOrAmbiguousAddressIsRefusedNamingIt() {
        for (String url : new String[] {
            "http://127.0.0.1:9/hook",
            "http://10.0.0.1/hook",
            "http://[::1]:8080/hook",
            "http://localhost/hook",
            "https://169.254.169.254/latest",
            "http://0177.0.0.1/hook",
            "http://[::ffff:0177.0.0.1]/hook"
        }) {
            Reply r = refused(body(key).put("callbackUrl", url), ErrorCode.ERROR_MISSING_REQUEST_DATA);
            assertThat(r.json().get("errorDescription").asText()).as(url).startsWith("callbackUrl ");
        }
        Reply ambiguous =
                refused(body(key).put("callbackUrl", "http://0177.0.0.1/hook"), ErrorCode.ERROR_MISSING_REQUEST_DATA);
        assertThat(ambiguous.json().get("errorDescription").asText()).contains("ambiguous IPv4 form");
        Reply loopback =
                refused(body(key).put("callbackUrl", "http://127.0.0.1:9/hook"), ErrorCode.ERROR_MISSING_REQUEST_DATA);
        assertThat(loopback.json().get("errorDescription").asText())
                .isEqualTo("callbackUrl host is a non-public address (loopback): 127.0.0.1");
        // a public address passes (it is only called when the task ends)
        assertThat(create(body(key).put("callbackUrl", "https://203.0.113.9/hook"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void ambiguousIpv4ProxyHostsAreRefused() {
        for (String proxy : new String[] {"http://u:secretpass@0177.0.0.1:8080", "socks5:127.1:1080:u:secretpass"}) {
            Reply r = refused(withTask(t -> t.put("proxy", proxy)), ErrorCode.ERROR_INVALID_PROXY_FORMAT);
            assertThat(r.json().get("errorDescription").asText()).contains("ambiguous IPv4 form");
        }
        refused(
                withTask(t -> {
                    t.remove("proxy");
                    t.put("proxyType", "http")
                            .put("proxyAddress", "0x7f.0.0.1")
                            .put("proxyPort", 8080)
                            .put("proxyLogin", "u")
                            .put("proxyPassword", "secretpass");
                }),
                ErrorCode.ERROR_INVALID_PROXY_FORMAT);
    }

    @Test
    void emptyDataMeansNoData() {
        for (String empty : new String[] {"", "  "}) {
            Reply r = create(withTask(t -> t.put("data", empty)));
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            long id = r.json().get("taskId").asLong();
            String request = fx.node.node().database().jdbi().withHandle(h -> h.createQuery(
                            "SELECT request FROM tasks WHERE id = :id")
                    .bind("id", id)
                    .mapTo(String.class)
                    .one());
            assertThat(request).contains("\"data\":\"{}\"");
        }
    }
}
