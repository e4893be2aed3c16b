package dev.solvegate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.AccountStore.AccountView;
import dev.solvegate.server.account.AccountStore.PackageView;
import dev.solvegate.server.account.ApiKeys;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.ErrorStatus;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.http.Bodies;
import dev.solvegate.server.http.Http;
import dev.solvegate.server.intake.Intake;
import dev.solvegate.server.solver.LoadedSolver;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.template.TemplateStore;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * The admin API of SPEC §2, for operators: accounts, credits, packages, keys, templates, the intake switch.
 * {@link AdminRouting} checks {@code Authorization: Bearer <token>} in front of every route. Errors are
 * {@code {"error":…}} with 400 (naming the field), 401 or 404.
 *
 * <p>Thread-safety: immutable apart from its collaborators, which are safe for concurrent use.
 */
public final class AdminApi {

    private static final System.Logger LOG = System.getLogger(AdminApi.class.getName());
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final AccountStore accounts;
    private final TemplateStore templates;
    private final Intake intake;
    private final Solvers solvers;
    private final Jdbi jdbi;
    private final Clock clock;
    private final long defaultPrice;

    /** @param jdbi for credits, which {@link Ledger} runs in a transaction of their own */
    public AdminApi(
            AccountStore accounts,
            TemplateStore templates,
            Intake intake,
            Solvers solvers,
            Jdbi jdbi,
            Clock clock,
            long defaultPrice) {
        this.accounts = accounts;
        this.templates = templates;
        this.intake = intake;
        this.solvers = solvers;
        this.jdbi = jdbi;
        this.clock = clock;
        this.defaultPrice = defaultPrice;
    }

    /** Adds the {@code /admin/…} routes; {@link AdminRouting} puts the token check in front of them. */
    void routes(HttpRouting.Builder r) {
        r.post("/admin/accounts", this::createAccount)
                .get("/admin/accounts/{id}", this::getAccount)
                .patch("/admin/accounts/{id}", this::patchAccount)
                .post("/admin/accounts/{id}/credits", this::credit)
                .post("/admin/accounts/{id}/webhook-secret", this::newWebhookSecret)
                .post("/admin/accounts/{id}/packages", this::createPackage)
                .get("/admin/packages/{id}", this::getPackage)
                .patch("/admin/packages/{id}", this::patchPackage)
                .post("/admin/accounts/{id}/keys", this::createKey)
                .delete("/admin/keys/{id}", this::revokeKey)
                .get("/admin/solvers", this::listSolvers)
                .get("/admin/templates/{publicKey}", this::getTemplate)
                .put("/admin/templates/{publicKey}", this::putTemplate)
                .delete("/admin/templates/{publicKey}", this::deleteTemplate)
                .get("/admin/service", this::getService)
                .put("/admin/service", this::putService);
    }

    private void createAccount(ServerRequest req, ServerResponse res) {
        Fields f = body(req);
        String name = f.text("name", 200);
        int maxThreads = f.has("maxThreads") ? f.integer("maxThreads", 1, 1_000_000) : 50;
        long price = f.has("price") ? nonNegative("price", f.money("price")) : defaultPrice;
        long id = accounts.createAccount(name, maxThreads, price);
        LOG.log(System.Logger.Level.INFO, "created account {0}", id);
        send(res, 201, accountJson(accounts.account(id).orElseThrow()));
    }

    private void getAccount(ServerRequest req, ServerResponse res) {
        long id = pathId(req, "id");
        accounts.account(id).ifPresentOrElse(a -> send(res, 200, accountJson(a)), () -> notFound(res, "account", id));
    }

    private void patchAccount(ServerRequest req, ServerResponse res) {
        long id = pathId(req, "id");
        Fields f = body(req);
        String status = null;
        if (f.has("status")) {
            status = f.text("status", 16).toLowerCase(Locale.ROOT);
            if (!status.equals("active") && !status.equals("suspended")) {
                throw new BadInput("status", "status must be active or suspended: " + status);
            }
        }
        Integer maxThreads = f.optionalInteger("maxThreads", 1, 1_000_000);
        Long price = f.has("price") ? nonNegative("price", f.money("price")) : null;
        boolean setErrorStatus = f.present("errorStatus");
        ErrorStatus errorStatus = setErrorStatus ? errorStatus(f) : null;
        if (!accounts.updateAccount(
                id,
                new AccountStore.AccountPatch(
                        status, maxThreads, price, setErrorStatus, errorStatus, f.optionalBool("refundIncorrect")))) {
            notFound(res, "account", id);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "updated account {0}", id);
        send(res, 200, accountJson(accounts.account(id).orElseThrow()));
    }

    private void credit(ServerRequest req, ServerResponse res) {
        long id = pathId(req, "id");
        Fields f = body(req);
        long amount = f.money("amount");
        if (amount == 0) {
            throw new BadInput("amount", "amount must not be zero");
        }
        String reason = f.text("reason", 500);
        switch (Ledger.credit(jdbi, id, amount, reason, clock.millis())) {
            case Ledger.Credit.Done(long balance) -> {
                LOG.log(System.Logger.Level.INFO, "ledger: account {0} {1}", id, Money.format(amount));
                send(res, 200, Json.MAPPER.createObjectNode().put("balance", Money.format(balance)));
            }
            case Ledger.Credit.NoSuchAccount() -> notFound(res, "account", id);
            case Ledger.Credit.BelowHeld() ->
                throw new BadInput(
                        "amount", "debit would take the balance below the amount held: " + Money.format(amount));
            case Ledger.Credit.Overflow() ->
                throw new BadInput("amount", "credit would take the balance out of range: " + Money.format(amount));
        }
    }

    /** A new webhook secret for the account, replacing any old one: shown this once, never again. */
    private void newWebhookSecret(ServerRequest req, ServerResponse res) {
        long id = pathId(req, "id");
        String secret = ApiKeys.newWebhookSecret();
        if (!accounts.setWebhookSecret(id, secret)) {
            notFound(res, "account", id);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "new webhook secret for account {0}", id);
        send(res, 201, Json.MAPPER.createObjectNode().put("secret", secret));
    }

    private void createPackage(ServerRequest req, ServerResponse res) {
        long accountId = pathId(req, "id");
        Fields f = body(req);
        String name = f.text("name", 200);
        int threads = f.integer("threads", 1, 1_000_000);
        int hourly = f.integer("hourlyQuota", 0, Integer.MAX_VALUE);
        int daily = f.integer("dailyQuota", 0, Integer.MAX_VALUE);
        long expiresAt = f.instant("expiresAt");
        if (accounts.account(accountId).isEmpty()) {
            notFound(res, "account", accountId);
            return;
        }
        long id = accounts.createPackage(accountId, name, threads, hourly, daily, expiresAt);
        send(res, 201, packageJson(accounts.packageById(id).orElseThrow()));
    }

    private void getPackage(ServerRequest req, ServerResponse res) {
        long id = pathId(req, "id");
        accounts.packageById(id)
                .ifPresentOrElse(p -> send(res, 200, packageJson(p)), () -> notFound(res, "package", id));
    }

    private void patchPackage(ServerRequest req, ServerResponse res) {
        long id = pathId(req, "id");
        Fields f = body(req);
        var patch = new AccountStore.PackagePatch(
                f.optionalBool("paused"),
                f.has("expiresAt") ? f.instant("expiresAt") : null,
                f.optionalInteger("threads", 1, 1_000_000),
                f.optionalInteger("hourlyQuota", 0, Integer.MAX_VALUE),
                f.optionalInteger("dailyQuota", 0, Integer.MAX_VALUE));
        if (!accounts.updatePackage(id, patch)) {
            notFound(res, "package", id);
            return;
        }
        send(res, 200, packageJson(accounts.packageById(id).orElseThrow()));
    }

    private void createKey(ServerRequest req, ServerResponse res) {
        long accountId = pathId(req, "id");
        Fields f = bodyOrEmpty(req);
        Long packageId = f.has("packageId") ? f.id("packageId") : null;
        if (accounts.account(accountId).isEmpty()) {
            notFound(res, "account", accountId);
            return;
        }
        if (packageId != null
                && accounts.packageById(packageId)
                        .filter(p -> p.accountId() == accountId)
                        .isEmpty()) {
            throw new BadInput("packageId", "packageId is not a package of account " + accountId + ": " + packageId);
        }
        String secret = ApiKeys.newSecret();
        long id = accounts.createKey(accountId, packageId, secret);
        LOG.log(System.Logger.Level.INFO, "created key {0} for account {1}", id, accountId);
        ObjectNode out = Json.MAPPER
                .createObjectNode()
                .put("id", id)
                .put("clientKey", secret)
                .put("accountId", accountId);
        if (packageId != null) {
            out.put("packageId", packageId);
        }
        send(res, 201, out);
    }

    private void revokeKey(ServerRequest req, ServerResponse res) {
        long id = pathId(req, "id");
        if (!accounts.revokeKey(id)) {
            notFound(res, "key", id);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "revoked key {0}", id);
        send(res, 200, Json.MAPPER.createObjectNode().put("id", id).put("revoked", true));
    }

    /** The solvers this node runs, as {@code ./solvegate solvers} lists them. */
    private void listSolvers(ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        var list = out.putArray("solvers");
        for (LoadedSolver s : solvers.all()) {
            list.addObject()
                    .put("id", s.id())
                    .put("jar", s.jar())
                    .put("version", s.version())
                    .put("spi", s.spi().toString());
        }
        send(res, 200, out);
    }

    private void getTemplate(ServerRequest req, ServerResponse res) {
        String key = publicKey(req);
        templates.find(key).ifPresentOrElse(t -> send(res, 200, templateJson(t)), () -> notFound(res, "template", key));
    }

    private void putTemplate(ServerRequest req, ServerResponse res) {
        String key = publicKey(req);
        Fields f = body(req);
        String solver = f.text("solver", 64);
        if (solvers.find(solver).isEmpty()) {
            throw new BadInput("solver", "solver must be one of " + solvers.ids() + ": " + solver);
        }
        JsonNode settings = f.object("settings");
        String settingsJson = settings == null ? "{}" : settings.toString();
        // plugin code, called before the transaction and outside any lock
        solvers.refusal(solver, settingsJson).ifPresent(why -> {
            throw new BadInput("settings", "settings refused by solver " + solver + ": " + why);
        });
        var template = new TemplateStore.Template(key, solver, settingsJson);
        templates.put(template);
        LOG.log(System.Logger.Level.INFO, "template {0} -> {1}", key, solver);
        send(res, 200, templateJson(template));
    }

    private void deleteTemplate(ServerRequest req, ServerResponse res) {
        String key = publicKey(req);
        if (!templates.delete(key)) {
            notFound(res, "template", key);
            return;
        }
        send(res, 200, Json.MAPPER.createObjectNode().put("publicKey", key).put("deleted", true));
    }

    private void getService(ServerRequest req, ServerResponse res) {
        send(res, 200, Json.MAPPER.createObjectNode().put("acceptingTasks", intake.acceptingTasks()));
    }

    private void putService(ServerRequest req, ServerResponse res) {
        boolean accepting = body(req).bool("acceptingTasks");
        intake.setAcceptingTasks(accepting);
        LOG.log(System.Logger.Level.INFO, "intake {0}", accepting ? "on" : "off");
        send(res, 200, Json.MAPPER.createObjectNode().put("acceptingTasks", accepting));
    }

    /** {@code "errorStatus"}: {@code "seed"}, {@code "200"} (a string or the number 200) or null (the node's mode). */
    private static ErrorStatus errorStatus(Fields f) {
        if (!f.has("errorStatus")) {
            return null;
        }
        String text = f.scalar("errorStatus");
        return ErrorStatus.parse(text)
                .orElseThrow(() -> new BadInput(
                        "errorStatus", "errorStatus must be \"seed\", \"200\" or null: " + f.raw("errorStatus")));
    }

    static ObjectNode accountJson(AccountView a) {
        ObjectNode out = Json.MAPPER
                .createObjectNode()
                .put("id", a.id())
                .put("name", a.name())
                .put("status", a.status())
                .put("balance", Money.format(a.balance()))
                .put("held", Money.format(a.held()))
                .put("maxThreads", a.maxThreads())
                .put("price", Money.format(a.price()))
                .put("inFlight", a.inFlight());
        out.put("errorStatus", a.errorStatus() == null ? null : a.errorStatus().wire());
        out.put("refundIncorrect", a.refundIncorrect());
        out.put("hasWebhookSecret", a.hasWebhookSecret());
        return out;
    }

    static ObjectNode packageJson(PackageView p) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("id", p.id()).put("accountId", p.accountId());
        out.setAll(p.state());
        return out.put("inFlight", p.inFlight());
    }

    static ObjectNode templateJson(TemplateStore.Template t) {
        ObjectNode out =
                Json.MAPPER.createObjectNode().put("publicKey", t.publicKey()).put("solver", t.solver());
        try {
            out.set("settings", Json.MAPPER.readTree(t.settings()));
        } catch (IOException e) {
            throw new IllegalStateException("stored settings are not JSON", e);
        }
        return out;
    }

    private static long nonNegative(String field, long micros) {
        if (micros < 0) {
            throw new BadInput(field, field + " must not be negative: " + Money.format(micros));
        }
        return micros;
    }

    private static Fields body(ServerRequest req) {
        return bodyOr(req, null);
    }

    private static Fields bodyOrEmpty(ServerRequest req) {
        return bodyOr(req, Json.MAPPER.createObjectNode());
    }

    /** The body's fields; {@code whenEmpty} for no body, or 400 when null. */
    private static Fields bodyOr(ServerRequest req, JsonNode whenEmpty) {
        JsonNode node =
                switch (Bodies.read(req)) {
                    case Bodies.Body.Empty() -> whenEmpty;
                    case Bodies.Body.NotJson() -> throw new BadInput("body", "body is not JSON");
                    case Bodies.Body.Parsed(JsonNode json) -> json;
                };
        if (node == null || !node.isObject()) {
            throw new BadInput("body", "body must be a JSON object");
        }
        return new Fields(node);
    }

    static long pathId(ServerRequest req, String name) {
        String text = req.path().pathParameters().get(name);
        if (!text.matches("\\d{1,18}") || Long.parseLong(text) <= 0) {
            throw new BadInput(name, name + " must be a positive integer: " + text);
        }
        return Long.parseLong(text);
    }

    private static String publicKey(ServerRequest req) {
        String key = req.path().pathParameters().get("publicKey").toLowerCase(Locale.ROOT);
        if (!UUID.matcher(key).matches()) {
            throw new BadInput("publicKey", "publicKey must be a UUID: " + key);
        }
        return key;
    }

    static void notFound(ServerResponse res, String what, Object id) {
        send(res, 404, error(what + " not found: " + id));
    }

    private static ObjectNode error(String message) {
        return Json.MAPPER.createObjectNode().put("error", message);
    }

    static void send(ServerResponse res, int status, ObjectNode body) {
        Http.json(res, status, body);
    }
}
