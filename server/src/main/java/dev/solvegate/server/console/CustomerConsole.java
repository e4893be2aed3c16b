package dev.solvegate.server.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.api.CustomerReads;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.core.Refusal;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The customer console, {@code /console/} on the public listener: sign in with a client key, then one page of
 * that key's account (balance, package use, recent tasks, spending per day) and examples for scripting the same
 * reads. The page is rendered from the calls {@code getTasks}, {@code getSpending} and {@code getBalance} answer
 * from ({@link CustomerReads}), and shows nothing of any other account. The session keeps the key's hash and
 * its first characters, never the key; the key's standing is read again on every page, so a revoked key or a
 * suspended account ends the session.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class CustomerConsole {

    /** The session cookie's name. */
    public static final String COOKIE = "solvegate_customer";

    private static final System.Logger LOG = System.getLogger(CustomerConsole.class.getName());

    /** Who a session stands for: the key's hash (to look it up) and its first characters (to show). */
    record Key(String hash, String prefix) {}

    private final CustomerReads reads;
    private final Sessions<Key> sessions;

    public CustomerConsole(CustomerReads reads, Clock clock) {
        this.reads = reads;
        this.sessions = new Sessions<>(COOKIE, clock);
    }

    /** Adds {@code /console/…} to the public routing. */
    public void routes(HttpRouting.Builder r) {
        ConsoleHttp.assets(r);
        r.get("/console/", this::home).post("/console/signin", this::signIn).post("/console/signout", this::signOut);
    }

    /** Live sessions (for tests). */
    public int sessionCount() {
        return sessions.size();
    }

    private void home(ServerRequest req, ServerResponse res) {
        Optional<Sessions.Session<Key>> s = sessions.find(req);
        if (s.isEmpty()) {
            signInPage(res, 200, null);
            return;
        }
        Checked<Caller> caller = reads.caller(s.get().principal().hash());
        if (!(caller instanceof Checked.Ok<Caller>(Caller c))) {
            sessions.close(s.get());
            res.header("Set-Cookie", sessions.clearCookie());
            signInPage(res, 401, message(caller));
            return;
        }
        List<Ledger.Day> days = reads.spending(c, CustomerReads.DEFAULT_DAYS);
        ArrayNode series = Json.MAPPER.createArrayNode();
        days.forEach(d -> series.add(Json.MAPPER
                .createObjectNode()
                .put("date", LocalDate.ofEpochDay(d.day()).toString())
                .put("spent", Money.decimal(d.charged()))
                .put("tasks", d.charges())));
        ConsoleHttp.page(
                res,
                200,
                "customer/home.jte",
                new Pages.Customer(
                        new Pages.Frame("Your account", "customer", s.get().csrf(), "home"),
                        reads.overview(c),
                        reads.tasks(c, 50),
                        days,
                        s.get().principal().prefix(),
                        ConsoleHttp.base(req),
                        series.toString()));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        if (!ConsoleHttp.sameOrigin(req)) {
            signInPage(res, 403, "This sign-in did not come from this console's page.");
            return;
        }
        String key = ConsoleHttp.form(req).getOrDefault("clientKey", "").strip();
        Checked<Caller> caller = key.isEmpty() || key.length() > 256
                ? Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST)
                : reads.caller(ApiKeys.hash(key));
        if (!(caller instanceof Checked.Ok<Caller>(Caller c))) {
            LOG.log(System.Logger.Level.INFO, "console: customer sign-in refused");
            signInPage(res, 401, message(caller));
            return;
        }
        String prefix = key.substring(0, Math.min(AccountStore.PREFIX_LENGTH, key.length()));
        Sessions.Session<Key> s = sessions.open(new Key(ApiKeys.hash(key), prefix));
        LOG.log(System.Logger.Level.INFO, "console: key {0} signed in", c.keyId());
        ConsoleHttp.redirect(res, "/console/", sessions.setCookie(s));
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        Optional<Sessions.Session<Key>> s = sessions.find(req);
        if (s.isPresent()) {
            if (!ConsoleHttp.sameOrigin(req)
                    || !Sessions.csrfMatches(s.get(), ConsoleHttp.form(req).get("csrf"))) {
                signInPage(res, 403, "This sign-out did not come from this console's page.");
                return;
            }
            sessions.close(s.get());
        }
        ConsoleHttp.redirect(res, "/console/", sessions.clearCookie());
    }

    private static String message(Checked<Caller> refused) {
        Refusal r = ((Checked.Refused<Caller>) refused).refusal();
        return r.code() == ErrorCode.ERROR_ACCOUNT_SUSPENDED
                ? "This account is suspended."
                : "That client key is not known, or was revoked.";
    }

    private void signInPage(ServerResponse res, int status, String error) {
        ConsoleHttp.page(
                res,
                status,
                "signin.jte",
                new Pages.SignIn(
                        new Pages.Frame("Sign in", "customer", null, "signin"), "Client key", "clientKey", error));
    }
}
