package dev.solvegate.server.api;

import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.http.Http;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.metrics.RequestMetrics;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.store.DatabaseFaults;
import dev.solvegate.server.store.DbGate;
import dev.solvegate.server.store.LogEverySecond;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Consumer;

/**
 * The public listener's routing: request metrics, the API methods, the probes, an answer for unknown paths,
 * and its one error mapping. Thread-safety: stateless.
 */
public final class PublicRouting {

    private static final System.Logger LOG = System.getLogger(PublicRouting.class.getName());
    private static final LogEverySecond UNAVAILABLE_LOG = new LogEverySecond(LOG);

    private PublicRouting() {}

    public static void routing(HttpRouting.Builder r, PublicApi api, Replies replies, Metrics metrics, Database db) {
        routing(r, api, null, replies, metrics, db, null);
    }

    /**
     * The public routes, with an account's reads ({@code getTasks}, {@code getSpending}) and the customer
     * console's pages ({@code /console/…}); either may be null: left out.
     */
    public static void routing(
            HttpRouting.Builder r,
            PublicApi api,
            CustomerReads reads,
            Replies replies,
            Metrics metrics,
            Database db,
            Consumer<HttpRouting.Builder> console) {
        r.addFilter(new RequestMetrics(metrics));
        r.addFilter((chain, req, res) -> db.gate().request(chain::proceed));
        api.routing(r);
        if (reads != null) {
            reads.routing(r);
        }
        if (console != null) {
            console.accept(r);
        }
        Http.probes(r, db);
        r.any((req, res) -> replies.refuse(
                res,
                new Refusal(
                        ErrorCode.ERROR_MISSING_REQUEST_DATA,
                        "no such API method: "
                                + TaskFields.abbreviate(req.prologue().uriPath().path()))));
        r.error(Exception.class, (req, res, e) -> failed(replies, db.gate(), req, res, e));
    }

    /**
     * An unexpected failure. The node past capacity ({@link DbGate} turned the request away) is {@code
     * ERROR_SERVICE_UNAVALIABLE} with {@code Retry-After: 1}, logged by the gate at most once a second; a database
     * that cannot be reached is {@code ERROR_DATABASE_UNAVAILABLE} (retryable), logged at most once a second; any
     * other database failure {@code ERROR_INTERNAL_DATABASE}; a failure of our own code (a bug) {@code
     * ERROR_TASK_EXCEPTION}, "Internal server error", the catalogue's generic internal error that does not blame
     * the database. The cause goes to the log, never to the client.
     */
    private static void failed(Replies replies, DbGate gate, ServerRequest req, ServerResponse res, Exception e) {
        String path = req.prologue().uriPath().path();
        if (DbGate.saturated(e)) {
            replies.overloaded(res);
        } else if (DatabaseFaults.unreachable(e)) {
            if (DatabaseFaults.connectionLost(e)) {
                gate.unreachable();
            }
            UNAVAILABLE_LOG.warn(() -> path + ": database unavailable: " + e);
            replies.refuse(res, ErrorCode.ERROR_DATABASE_UNAVAILABLE);
        } else if (DatabaseFaults.fromDatabase(e)) {
            LOG.log(System.Logger.Level.WARNING, path + ": database error", e);
            replies.refuse(res, ErrorCode.ERROR_INTERNAL_DATABASE);
        } else {
            LOG.log(System.Logger.Level.ERROR, path + ": internal error", e);
            replies.refuse(res, new Refusal(ErrorCode.ERROR_TASK_EXCEPTION, "Internal server error"));
        }
    }
}
