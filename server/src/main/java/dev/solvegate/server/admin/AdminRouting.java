package dev.solvegate.server.admin;

import dev.solvegate.server.core.Json;
import dev.solvegate.server.http.Http;
import dev.solvegate.server.http.OpenApi;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.store.DatabaseFaults;
import dev.solvegate.server.store.DbGate;
import dev.solvegate.server.store.LogEverySecond;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin listener's routing: the bearer-token check in front of {@code /admin/…}, the admin API,
 * {@code /metrics}, the probes, and its one error mapping. Thread-safety: stateless.
 */
public final class AdminRouting {

    private static final System.Logger LOG = System.getLogger(AdminRouting.class.getName());
    private static final LogEverySecond UNAVAILABLE_LOG = new LogEverySecond(LOG);

    private AdminRouting() {}

    /**
     * The operator console's sign-in as a second way into {@code /admin/…}, for the console's own scripts: a
     * request without an {@code Authorization} header is let in when it carries a live console session and
     * that session's CSRF token.
     */
    public interface ConsoleSessions {

        /** How a request stands with the console. */
        enum Verdict {
            /** No console session: the bearer token decides. */
            NONE,
            /** A live session and its CSRF token. */
            SIGNED_IN,
            /** A live session without its CSRF token: refused (403), so another site cannot act with it. */
            FORGED
        }

        Verdict verdict(ServerRequest req);

        /** Adds the console's own routes ({@code /console/…}). */
        void routes(HttpRouting.Builder r);
    }

    /** The admin listener's routes, guarded by {@code token}. */
    public static void routing(HttpRouting.Builder r, AdminApi api, String token, Metrics metrics, Database db) {
        routing(r, api, null, token, metrics, db, null);
    }

    /**
     * The admin listener's routes, guarded by {@code token} or a console session, with the read routes of
     * {@code reads} and the console's pages (either may be null: left out).
     */
    public static void routing(
            HttpRouting.Builder r,
            AdminApi api,
            AdminReads reads,
            String token,
            Metrics metrics,
            Database db,
            ConsoleSessions console) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        r.addFilter((chain, req, res) -> db.gate().request(chain::proceed));
        r.any("/admin/*", (req, res) -> authenticate(req, res, expected, console));
        if (reads != null) {
            reads.routes(r);
        }
        api.routes(r);
        byte[] openApi = OpenApi.load("admin.json").toPrettyString().getBytes(StandardCharsets.UTF_8);
        r.get("/admin/openapi.json", (req, res) -> OpenApi.send(res, openApi));
        if (console != null) {
            console.routes(r);
        }
        Http.probes(r, db);
        r.get("/metrics", (req, res) -> {
            res.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
        });
        r.any((req, res) -> Http.json(res, 404, error("no such route")));
        r.error(
                BadInput.class,
                (req, res, e) -> Http.json(
                        res,
                        400,
                        Json.MAPPER
                                .createObjectNode()
                                .put("error", e.getMessage())
                                .put("field", e.field())));
        r.error(Exception.class, (req, res, e) -> failed(db.gate(), req, res, e));
    }

    /** Compares in constant time, so the token cannot be guessed byte by byte from reply times. */
    private static void authenticate(ServerRequest req, ServerResponse res, byte[] expected, ConsoleSessions console) {
        if (console != null && !req.headers().contains(HeaderNames.AUTHORIZATION)) {
            switch (console.verdict(req)) {
                case SIGNED_IN -> {
                    res.next();
                    return;
                }
                case FORGED -> {
                    Http.json(res, 403, error("console session without its CSRF token (X-CSRF-Token)"));
                    return;
                }
                case NONE -> {}
            }
        }
        byte[] given = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected)) {
            res.header("WWW-Authenticate", "Bearer");
            Http.json(res, 401, error("missing or wrong bearer token"));
            return;
        }
        res.next();
    }

    /**
     * An unexpected failure: 503 with {@code Retry-After: 1} when the node is overloaded ({@link DbGate} turned
     * the request away; the gate logs it), 503 when the database is unreachable (logged at most once a second),
     * else 500 naming the kind, never the cause.
     */
    private static void failed(DbGate gate, ServerRequest req, ServerResponse res, Exception e) {
        String path = req.prologue().uriPath().path();
        if (DbGate.saturated(e)) {
            res.header("Retry-After", "1");
            Http.json(res, 503, error("overloaded: no database connection was free in time; retry shortly"));
        } else if (DatabaseFaults.unreachable(e)) {
            if (DatabaseFaults.connectionLost(e)) {
                gate.unreachable();
            }
            UNAVAILABLE_LOG.warn(() -> "admin " + path + ": database unavailable: " + e);
            Http.json(res, 503, error("database unavailable"));
        } else if (DatabaseFaults.fromDatabase(e)) {
            LOG.log(System.Logger.Level.WARNING, "admin " + path + ": database error", e);
            Http.json(res, 500, error("database error"));
        } else {
            LOG.log(System.Logger.Level.ERROR, "admin " + path + ": internal error", e);
            Http.json(res, 500, error("internal error"));
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode error(String message) {
        return Json.MAPPER.createObjectNode().put("error", message);
    }
}
