package dev.solvegate.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.intake.Intake;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.metrics.Minutes;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.task.Tasks;
import dev.solvegate.server.template.TemplateStore;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * The admin API's lists and the live view, read by operators and by the operator console: accounts by name or
 * id, an account's tasks, ledger, keys and packages, the templates, and {@code GET /admin/stats}. Read-only;
 * every change goes through {@link AdminApi}.
 *
 * <p>Thread-safety: immutable apart from its collaborators, which are safe for concurrent use.
 */
public final class AdminReads {

    private final AccountStore accounts;
    private final TemplateStore templates;
    private final TaskStore tasks;
    private final Intake intake;
    private final Metrics metrics;
    private final Jdbi jdbi;
    private final Clock clock;

    public AdminReads(
            AccountStore accounts,
            TemplateStore templates,
            TaskStore tasks,
            Intake intake,
            Metrics metrics,
            Jdbi jdbi,
            Clock clock) {
        this.accounts = accounts;
        this.templates = templates;
        this.tasks = tasks;
        this.intake = intake;
        this.metrics = metrics;
        this.jdbi = jdbi;
        this.clock = clock;
    }

    void routes(HttpRouting.Builder r) {
        r.get("/admin/accounts", this::search)
                .get("/admin/accounts/{id}/tasks", this::tasks)
                .get("/admin/accounts/{id}/ledger", this::ledger)
                .get("/admin/accounts/{id}/keys", this::keys)
                .get("/admin/accounts/{id}/packages", this::packages)
                .get("/admin/templates", this::templates)
                .get("/admin/stats", this::stats);
    }

    private void search(ServerRequest req, ServerResponse res) {
        String q = query(req, "search");
        if (q != null && q.length() > 200) {
            throw new BadInput("search", "search must be at most 200 characters");
        }
        int limit = limit(req, "limit", 500, 50);
        ArrayNode list = Json.MAPPER.createArrayNode();
        accounts.search(q, limit).forEach(a -> list.add(AdminApi.accountJson(a)));
        send(res, Json.MAPPER.createObjectNode().set("accounts", list));
    }

    private void tasks(ServerRequest req, ServerResponse res) {
        long id = AdminApi.pathId(req, "id");
        int limit = limit(req, "limit", 500, 50);
        if (missing(res, id)) {
            return;
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        tasks.recent(id, limit).forEach(t -> list.add(taskJson(t)));
        send(res, Json.MAPPER.createObjectNode().set("tasks", list));
    }

    private void ledger(ServerRequest req, ServerResponse res) {
        long id = AdminApi.pathId(req, "id");
        int limit = limit(req, "limit", 500, 50);
        if (missing(res, id)) {
            return;
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        Ledger.entries(jdbi, id, limit).forEach(e -> {
            ObjectNode row = Json.MAPPER
                    .createObjectNode()
                    .put("id", e.id())
                    .put("amount", Money.format(e.amount()))
                    .put("kind", e.kind())
                    .put("reason", e.reason());
            if (e.taskId() != null) {
                row.put("taskId", e.taskId());
            }
            list.add(row.put("createdAt", instant(e.createdAt())));
        });
        send(res, Json.MAPPER.createObjectNode().set("entries", list));
    }

    private void keys(ServerRequest req, ServerResponse res) {
        long id = AdminApi.pathId(req, "id");
        if (missing(res, id)) {
            return;
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        accounts.keys(id).forEach(k -> {
            ObjectNode row = Json.MAPPER.createObjectNode().put("id", k.id());
            row.put("prefix", k.prefix());
            if (k.packageId() != null) {
                row.put("packageId", k.packageId());
            }
            list.add(row.put("revoked", k.revoked()).put("createdAt", instant(k.createdAt())));
        });
        send(res, Json.MAPPER.createObjectNode().set("keys", list));
    }

    private void packages(ServerRequest req, ServerResponse res) {
        long id = AdminApi.pathId(req, "id");
        if (missing(res, id)) {
            return;
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        accounts.packages(id).forEach(p -> list.add(AdminApi.packageJson(p)));
        send(res, Json.MAPPER.createObjectNode().set("packages", list));
    }

    private void templates(ServerRequest req, ServerResponse res) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        templates.list().forEach(t -> list.add(AdminApi.templateJson(t)));
        send(res, Json.MAPPER.createObjectNode().set("templates", list));
    }

    private void stats(ServerRequest req, ServerResponse res) {
        int count = limit(req, "minutes", Minutes.KEPT, 30);
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Minutes.Minute m : metrics.minutes().last(clock.millis(), count)) {
            ObjectNode by = Json.MAPPER.createObjectNode();
            m.byOutcome().forEach(by::put);
            ObjectNode row = Json.MAPPER
                    .createObjectNode()
                    .put("start", instant(m.start()))
                    .put("ready", m.ready())
                    .put("failed", m.failed());
            row.set("byOutcome", by);
            if (m.p50() >= 0) {
                row.put("p50Ms", m.p50()).put("p90Ms", m.p90()).put("p99Ms", m.p99());
            }
            list.add(row);
        }
        long[] counts = jdbi.withHandle(h -> new long[] {Tasks.depth(h), Tasks.inFlight(h)});
        ObjectNode out = Json.MAPPER
                .createObjectNode()
                .put("now", instant(clock.millis()))
                .put("acceptingTasks", intake.acceptingTasks())
                .put("queueDepth", counts[0])
                .put("inFlight", counts[1])
                .put("workersBusy", metrics.workersBusy())
                .put("workersMax", metrics.workersMax());
        out.set("minutes", list);
        send(res, out);
    }

    static ObjectNode taskJson(Tasks.Recent t) {
        ObjectNode row = Json.MAPPER
                .createObjectNode()
                .put("id", t.id())
                .put("keyId", t.keyId())
                .put("status", t.status())
                .put("solver", t.solver());
        if (t.cost() != null) {
            row.put("cost", Money.format(t.cost()));
        }
        if (t.errorCode() != null) {
            row.put("errorCode", t.errorCode()).put("errorDescription", t.errorDescription());
        }
        row.put("createdAt", instant(t.createdAt()));
        if (t.endedAt() != null) {
            row.put("endedAt", instant(t.endedAt()));
        }
        return row.put("solveCount", t.solveCount());
    }

    private boolean missing(ServerResponse res, long accountId) {
        if (accounts.account(accountId).isPresent()) {
            return false;
        }
        AdminApi.notFound(res, "account", accountId);
        return true;
    }

    private static String query(ServerRequest req, String name) {
        return req.query().contains(name) ? req.query().get(name) : null;
    }

    /** A positive integer query parameter of at most {@code max}, or {@code otherwise} when absent. */
    private static int limit(ServerRequest req, String name, int max, int otherwise) {
        String text = query(req, name);
        if (text == null) {
            return otherwise;
        }
        if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > max) {
            throw new BadInput(name, name + " must be an integer in 1.." + max + ": " + text);
        }
        return Integer.parseInt(text);
    }

    private static String instant(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    private static void send(ServerResponse res, ObjectNode body) {
        AdminApi.send(res, 200, body);
    }
}
