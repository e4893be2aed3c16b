package dev.solvegate.server;

import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.admin.AdminApi;
import dev.solvegate.server.api.PublicApi;
import dev.solvegate.server.api.Replies;
import dev.solvegate.server.engine.Engine;
import dev.solvegate.server.engine.Solvers;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.metrics.RequestMetrics;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.store.DatabaseFaults;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.template.TemplateStore;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One solvegate node: the database pool, the task engine, the public API (unless a worker) and the admin API
 * with {@code /metrics}, wired together. {@link #start} returns once the listeners accept connections.
 * {@link #close} drains: createTask on this node answers {@code ERROR_SERVICE_UNAVALIABLE} (a node-local
 * flag; the shared operator switch is untouched), running solves get {@code SOLVEGATE_DRAIN_GRACE} to
 * finish and are then handed back to the queue, and only then do the listeners and the pool close.
 *
 * <p>Thread-safety: start and close from one thread; the running node serves requests concurrently.
 */
public final class Node implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Node.class.getName());

    private final Database db;
    private final Engine engine;
    private final WebServer publicServer;
    private final WebServer adminServer;
    private final String adminToken;
    private final AtomicBoolean draining;

    private Node(
            Database db,
            Engine engine,
            WebServer publicServer,
            WebServer adminServer,
            String adminToken,
            AtomicBoolean draining) {
        this.db = db;
        this.engine = engine;
        this.publicServer = publicServer;
        this.adminServer = adminServer;
        this.adminToken = adminToken;
        this.draining = draining;
    }

    /** Opens the database, migrates it, starts the engine and both listeners: {@code ./solvegate serve}. */
    public static Node start(Config config, Clock clock) {
        return start(config, clock, true);
    }

    /**
     * Opens the database, migrates it, starts the engine, the admin listener and, when {@code withPublicApi}, the
     * public listener ({@code ./solvegate worker} runs without it).
     */
    public static Node start(Config config, Clock clock, boolean withPublicApi) {
        AdminToken.Resolved token = AdminToken.resolve(config);
        if (token.generated()) {
            System.out.println("solvegate: generated an admin token (kept in " + AdminToken.file(config.dataDir())
                    + "; shown only now): " + token.token());
        }
        Database db = Database.open(config);
        try {
            var accounts = new AccountStore(db.jdbi(), clock);
            var templates = new TemplateStore(db.jdbi(), clock);
            var state = new ServiceState(db.jdbi());
            var tasks = new TaskStore(db.jdbi(), clock, config.taskTimeout(), config.resultTtl());
            var solvers = Solvers.discover();
            var replies = new Replies(config.errorStatusAlways200());
            var metrics = new Metrics();
            var draining = new AtomicBoolean();
            Engine engine = Engine.create(db, config, solvers, metrics, clock);
            var publicApi = new PublicApi(new PublicApi.Deps(
                    state,
                    accounts,
                    templates,
                    tasks,
                    solvers,
                    new AddressGuard(config.proxyAllowPrivate()),
                    replies,
                    clock,
                    id -> engine.wake()));
            var adminApi = new AdminApi(accounts, templates, state, solvers, token.token(), config.priceMicros());

            WebServer publicServer = !withPublicApi
                    ? null
                    : WebServer.builder()
                            .port(config.port())
                            .host("0.0.0.0")
                            .maxPayloadSize(1 << 20)
                            .shutdownHook(false)
                            .routing(r -> {
                                r.addFilter(new RequestMetrics(metrics));
                                r.addFilter((chain, req, res) -> {
                                    if (draining.get()
                                            && req.prologue().uriPath().path().startsWith("/createTask")) {
                                        replies.error(res, ErrorCode.ERROR_SERVICE_UNAVALIABLE);
                                    } else {
                                        chain.proceed();
                                    }
                                });
                                publicApi.routing(r);
                                probes(r, db);
                                r.any((req, res) -> replies.unknownMethod(
                                        res, req.prologue().uriPath().path()));
                                r.error(Exception.class, (req, res, e) -> {
                                    LOG.log(
                                            System.Logger.Level.WARNING,
                                            "public request failed: "
                                                    + req.prologue().uriPath().path(),
                                            e);
                                    replies.error(res, DatabaseFaults.classify(e));
                                });
                            })
                            .build()
                            .start();
            if (publicServer != null) {
                listening(publicServer, "SOLVEGATE_PORT", "0.0.0.0", config.port());
            }
            WebServer adminServer;
            try {
                adminServer = WebServer.builder()
                        .port(config.adminPort())
                        .host(config.adminBind())
                        .shutdownHook(false)
                        .routing(r -> {
                            adminApi.routing(r);
                            probes(r, db);
                            r.get("/metrics", (req, res) -> {
                                res.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                                res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
                            });
                            r.any((req, res) -> json(res, 404, "{\"error\":\"no such route\"}"));
                            r.error(Exception.class, (req, res, e) -> {
                                LOG.log(
                                        System.Logger.Level.WARNING,
                                        "admin request failed: "
                                                + req.prologue().uriPath().path(),
                                        e);
                                json(
                                        res,
                                        DatabaseFaults.unreachable(e) ? 503 : 500,
                                        DatabaseFaults.unreachable(e)
                                                ? "{\"error\":\"database unavailable\"}"
                                                : "{\"error\":\"internal error\"}");
                            });
                        })
                        .build()
                        .start();
                listening(adminServer, "SOLVEGATE_ADMIN_PORT", config.adminBind(), config.adminPort());
            } catch (RuntimeException e) {
                if (publicServer != null) {
                    publicServer.stop();
                }
                throw e;
            }
            engine.start();
            return new Node(db, engine, publicServer, adminServer, token.token(), draining);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Helidon logs a failed bind and carries on; a node without its listener must not start. */
    private static void listening(WebServer server, String variable, String host, int port) {
        if (!server.isRunning() || server.port() <= 0) {
            server.stop();
            throw new IllegalStateException(
                    variable + ": cannot listen on " + host + ":" + port + " (address in use?)");
        }
    }

    private static void probes(HttpRouting.Builder r, Database db) {
        r.get("/healthz", (req, res) -> json(res, 200, "{\"status\":\"ok\"}"));
        r.get("/readyz", (req, res) -> readyz(db, req, res));
    }

    private static void readyz(Database db, ServerRequest req, ServerResponse res) {
        try {
            db.jdbi()
                    .useHandle(
                            h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            json(res, 200, "{\"status\":\"ready\"}");
        } catch (RuntimeException e) {
            json(res, 503, "{\"status\":\"database unavailable\"}");
        }
    }

    private static void json(ServerResponse res, int status, String body) {
        Replies.json(res, status, body);
    }

    /** The public API's port, or -1 on a worker node. */
    public int port() {
        return publicServer == null ? -1 : publicServer.port();
    }

    public int adminPort() {
        return adminServer.port();
    }

    public String adminToken() {
        return adminToken;
    }

    public Database database() {
        return db;
    }

    /** Solves running on this node now. */
    public int busyWorkers() {
        return engine.busy();
    }

    /** Drains (see the class comment), then stops the listeners and closes the pool. */
    @Override
    public void close() {
        draining.set(true);
        engine.close();
        if (publicServer != null) {
            publicServer.stop();
        }
        adminServer.stop();
        db.close();
    }
}
