package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.AccountStore.AccountView;
import dev.solvegate.server.account.AccountStore.PackageView;
import dev.solvegate.server.account.Caller;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.task.Tasks;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Jdbi;

/**
 * What a customer may read about their own account, as API methods ({@code getTasks}, {@code getSpending})
 * and as the Java calls the customer console renders from, so the console shows exactly what a script gets.
 * Every read is scoped to the key's account; nothing here changes anything.
 *
 * <p>Thread-safety: immutable apart from its collaborators, which are safe for concurrent use.
 */
public final class CustomerReads {

    /** The most tasks getTasks lists, and its default. */
    public static final int MAX_TASKS = 100;

    public static final int DEFAULT_TASKS = 20;

    /** The most days getSpending sums, and its default. */
    public static final int MAX_DAYS = 90;

    public static final int DEFAULT_DAYS = 30;

    /** An account's standing as getBalance shows it. @param available balance less holds, micro-units */
    public record Overview(AccountView account, long available, Optional<PackageView> pkg) {}

    private final AccountStore accounts;
    private final TaskStore tasks;
    private final Jdbi jdbi;
    private final Replies replies;
    private final Clock clock;

    public CustomerReads(AccountStore accounts, TaskStore tasks, Jdbi jdbi, Replies replies, Clock clock) {
        this.accounts = accounts;
        this.tasks = tasks;
        this.jdbi = jdbi;
        this.replies = replies;
        this.clock = clock;
    }

    void routing(HttpRouting.Builder r) {
        r.post("/getTasks", this::getTasks).post("/getTasks/", this::getTasks);
        r.post("/getSpending", this::getSpending).post("/getSpending/", this::getSpending);
    }

    /**
     * The live key whose secret hashes to {@code keyHash}: {@code ERROR_KEY_DOES_NOT_EXIST} when unknown or
     * revoked, {@code ERROR_ACCOUNT_SUSPENDED} when its account is suspended (as getBalance).
     */
    public Checked<Caller> caller(String keyHash) {
        Optional<Caller> caller = accounts.callerByHash(keyHash);
        if (caller.isEmpty()) {
            return Checked.refused(ErrorCode.ERROR_KEY_DOES_NOT_EXIST);
        }
        if (caller.get().suspended()) {
            return Checked.refused(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        }
        return Checked.ok(caller.get());
    }

    /** The caller's account, available balance and (for a package key) package, as getBalance reads them. */
    public Overview overview(Caller caller) {
        AccountView account = accounts.account(caller.accountId()).orElseThrow();
        Optional<PackageView> pkg = caller.packageKey() ? accounts.packageById(caller.packageId()) : Optional.empty();
        return new Overview(account, Ledger.available(account.balance(), account.held()), pkg);
    }

    /** Up to {@code limit} of the caller's account's tasks whose results are still kept, newest first. */
    public List<Tasks.Recent> tasks(Caller caller, int limit) {
        return tasks.recent(caller.accountId(), limit);
    }

    /** The caller's account's ledger per UTC day, the last {@code days} days up to today, oldest first. */
    public List<Ledger.Day> spending(Caller caller, int days) {
        return Ledger.perDay(jdbi, caller.accountId(), days, clock.millis());
    }

    private void getTasks(ServerRequest req, ServerResponse res) {
        Incoming in = Incoming.read(req, accounts);
        answer(replies.to(in.errorStatus()), res, signed(in, (body, caller) -> {
            Checked<Integer> limit = bounded(body, "limit", MAX_TASKS, DEFAULT_TASKS);
            if (!(limit instanceof Checked.Ok<Integer>(Integer n))) {
                return limit.refusedAs();
            }
            ArrayNode list = Json.MAPPER.createArrayNode();
            tasks(caller, n).forEach(t -> list.add(taskJson(t)));
            return Checked.ok(Json.MAPPER.createObjectNode().set("tasks", list));
        }));
    }

    private void getSpending(ServerRequest req, ServerResponse res) {
        Incoming in = Incoming.read(req, accounts);
        answer(replies.to(in.errorStatus()), res, signed(in, (body, caller) -> {
            Checked<Integer> days = bounded(body, "days", MAX_DAYS, DEFAULT_DAYS);
            if (!(days instanceof Checked.Ok<Integer>(Integer n))) {
                return days.refusedAs();
            }
            ArrayNode list = Json.MAPPER.createArrayNode();
            long spent = 0;
            long charges = 0;
            for (Ledger.Day d : spending(caller, n)) {
                spent += d.charged();
                charges += d.charges();
                list.add(Json.MAPPER
                        .createObjectNode()
                        .put("date", LocalDate.ofEpochDay(d.day()).toString())
                        .put("spent", Money.format(d.charged()))
                        .put("tasks", d.charges())
                        .put("credited", Money.format(d.credited())));
            }
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.set("days", list);
            out.put("spent", Money.format(spent)).put("tasks", charges);
            return Checked.ok(out);
        }));
    }

    /** A task as getTasks lists it: times in Unix seconds and costs as decimal strings, as getTaskResult. */
    static ObjectNode taskJson(Tasks.Recent t) {
        ObjectNode row = Json.MAPPER.createObjectNode().put("taskId", t.id()).put("status", t.status());
        if (t.errorCode() != null) {
            row.put("errorCode", t.errorCode()).put("errorDescription", t.errorDescription());
        }
        if (t.cost() != null) {
            row.put("cost", Money.format(t.cost()));
        }
        row.put("createTime", t.createdAt() / 1000);
        if (t.endedAt() != null) {
            row.put("endTime", t.endedAt() / 1000);
        }
        return row.put("solveCount", t.solveCount());
    }

    /**
     * The body, then the key (unknown, then suspended), then {@code read}: the first refusal is the answer. The
     * answer follows the error-status mode of the caller's account once the key is known.
     */
    private static Checked<ObjectNode> signed(Incoming in, BiFunction<JsonNode, Caller, Checked<ObjectNode>> read) {
        Checked<Incoming.Signed> signed = in.signed();
        if (!(signed instanceof Checked.Ok<Incoming.Signed>(Incoming.Signed s))) {
            return signed.refusedAs();
        }
        if (s.caller().suspended()) {
            return Checked.refused(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        }
        return read.apply(s.body(), s.caller());
    }

    private static void answer(Replies to, ServerResponse res, Checked<ObjectNode> answer) {
        switch (answer) {
            case Checked.Ok<ObjectNode>(ObjectNode body) -> to.ok(res, body);
            case Checked.Refused<ObjectNode>(Refusal refusal) -> to.refuse(res, refusal);
        }
    }

    /** An optional integer field in 1..max (a number, or a string of digits), {@code otherwise} when absent. */
    private static Checked<Integer> bounded(JsonNode body, String name, int max, int otherwise) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return Checked.ok(otherwise);
        }
        long value = n.isIntegralNumber() && n.canConvertToInt()
                ? n.asInt()
                : n.isTextual() && n.asText().matches("\\d{1,9}") ? Long.parseLong(n.asText()) : -1;
        if (value < 1 || value > max) {
            return Checked.refused(
                    ErrorCode.ERROR_MISSING_REQUEST_DATA,
                    name + " must be an integer in 1.." + max + ": " + TaskFields.abbreviate(n.toString()));
        }
        return Checked.ok((int) value);
    }
}
