package dev.solvegate.server.console;

import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.admin.AdminRouting;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.intake.Intake;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.template.TemplateStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The operator console, {@code /console/} on the admin listener: sign in with the admin token, then pages for
 * accounts, an account, templates and the service. The pages only read (through the same store calls as the
 * admin API's reads); every change is made by the page's script calling the admin API itself, with the
 * session cookie and the session's CSRF token ({@link #verdict}), so there is no second way to change anything.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class OperatorConsole implements AdminRouting.ConsoleSessions {

    /** The session cookie's name; the customer console's differs, as cookies do not tell ports apart. */
    public static final String COOKIE = "solvegate_operator";

    /** The header the console's script sends its CSRF token in. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private static final System.Logger LOG = System.getLogger(OperatorConsole.class.getName());
    private static final String OPERATOR = "operator";

    /** What the pages read. */
    public record Deps(
            AccountStore accounts,
            TemplateStore templates,
            TaskStore tasks,
            Intake intake,
            Solvers solvers,
            Jdbi jdbi,
            Clock clock) {}

    private final Deps deps;
    private final byte[] token;
    private final Sessions<String> sessions;

    public OperatorConsole(Deps deps, String adminToken) {
        this.deps = deps;
        this.token = adminToken.getBytes(StandardCharsets.UTF_8);
        this.sessions = new Sessions<>(COOKIE, deps.clock());
    }

    @Override
    public Verdict verdict(ServerRequest req) {
        Optional<Sessions.Session<String>> s = sessions.find(req);
        if (s.isEmpty()) {
            return Verdict.NONE;
        }
        String given = req.headers().first(HeaderNames.create(CSRF_HEADER)).orElse(null);
        return Sessions.csrfMatches(s.get(), given) ? Verdict.SIGNED_IN : Verdict.FORGED;
    }

    @Override
    public void routes(HttpRouting.Builder r) {
        ConsoleHttp.assets(r);
        r.get("/console/", this::home)
                .post("/console/signin", this::signIn)
                .post("/console/signout", this::signOut)
                .get("/console/accounts/{id}", this::account)
                .get("/console/templates", this::templates)
                .get("/console/service", this::service);
    }

    /** Live sessions (for tests). */
    public int sessionCount() {
        return sessions.size();
    }

    private void home(ServerRequest req, ServerResponse res) {
        Optional<Sessions.Session<String>> s = sessions.find(req);
        if (s.isEmpty()) {
            signInPage(res, 200, null);
            return;
        }
        String q = req.query().contains("q") ? req.query().get("q").strip() : "";
        if (q.length() > 200) {
            q = q.substring(0, 200);
        }
        ConsoleHttp.page(
                res,
                200,
                "operator/accounts.jte",
                new Pages.Accounts(
                        frame("Accounts", s.get(), "accounts"),
                        q,
                        deps.accounts().search(q, 100)));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        if (!ConsoleHttp.sameOrigin(req)) {
            signInPage(res, 403, "This sign-in did not come from this console's page.");
            return;
        }
        String given = ConsoleHttp.form(req).getOrDefault("token", "");
        if (!MessageDigest.isEqual(given.strip().getBytes(StandardCharsets.UTF_8), token)) {
            LOG.log(System.Logger.Level.INFO, "console: operator sign-in refused (wrong admin token)");
            signInPage(res, 401, "That is not the admin token.");
            return;
        }
        Sessions.Session<String> s = sessions.open(OPERATOR);
        LOG.log(System.Logger.Level.INFO, "console: operator signed in");
        ConsoleHttp.redirect(res, "/console/", sessions.setCookie(s));
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        Optional<Sessions.Session<String>> s = sessions.find(req);
        if (s.isPresent()) {
            if (!ConsoleHttp.sameOrigin(req)
                    || !Sessions.csrfMatches(s.get(), ConsoleHttp.form(req).get("csrf"))) {
                ConsoleHttp.page(
                        res,
                        403,
                        "message.jte",
                        new Pages.Message(
                                frame("Refused", s.get(), ""),
                                "Refused",
                                "This sign-out did not come from this console's page."));
                return;
            }
            sessions.close(s.get());
        }
        ConsoleHttp.redirect(res, "/console/", sessions.clearCookie());
    }

    private void account(ServerRequest req, ServerResponse res) {
        Optional<Sessions.Session<String>> s = sessions.find(req);
        if (s.isEmpty()) {
            ConsoleHttp.redirect(res, "/console/", null);
            return;
        }
        String text = req.path().pathParameters().get("id");
        Optional<AccountStore.AccountView> account =
                text.matches("\\d{1,18}") ? deps.accounts().account(Long.parseLong(text)) : Optional.empty();
        if (account.isEmpty()) {
            ConsoleHttp.page(
                    res,
                    404,
                    "message.jte",
                    new Pages.Message(
                            frame("No such account", s.get(), "accounts"),
                            "No such account",
                            "There is no account " + text + "."));
            return;
        }
        long id = account.get().id();
        ConsoleHttp.page(
                res,
                200,
                "operator/account.jte",
                new Pages.Account(
                        frame(account.get().name(), s.get(), "accounts"),
                        account.get(),
                        deps.accounts().packages(id),
                        deps.accounts().keys(id),
                        deps.tasks().recent(id, 50),
                        Ledger.entries(deps.jdbi(), id, 50)));
    }

    private void templates(ServerRequest req, ServerResponse res) {
        Optional<Sessions.Session<String>> s = sessions.find(req);
        if (s.isEmpty()) {
            ConsoleHttp.redirect(res, "/console/", null);
            return;
        }
        ConsoleHttp.page(
                res,
                200,
                "operator/templates.jte",
                new Pages.Templates(
                        frame("Templates", s.get(), "templates"),
                        deps.templates().list(),
                        deps.solvers().ids()));
    }

    private void service(ServerRequest req, ServerResponse res) {
        Optional<Sessions.Session<String>> s = sessions.find(req);
        if (s.isEmpty()) {
            ConsoleHttp.redirect(res, "/console/", null);
            return;
        }
        ConsoleHttp.page(
                res,
                200,
                "operator/service.jte",
                new Pages.Service(
                        frame("Service", s.get(), "service"), deps.intake().acceptingTasks()));
    }

    private void signInPage(ServerResponse res, int status, String error) {
        ConsoleHttp.page(
                res,
                status,
                "signin.jte",
                new Pages.SignIn(
                        new Pages.Frame("Sign in", "operator", null, "signin"), "Admin token", "token", error));
    }

    private static Pages.Frame frame(String title, Sessions.Session<String> s, String current) {
        return new Pages.Frame(title, "operator", s.csrf(), current);
    }
}
