package dev.solvegate.server.node;

import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.account.Callers;
import dev.solvegate.server.admin.AdminApi;
import dev.solvegate.server.admin.AdminReads;
import dev.solvegate.server.admin.AdminRouting;
import dev.solvegate.server.admin.AdminToken;
import dev.solvegate.server.api.CustomerReads;
import dev.solvegate.server.api.PublicApi;
import dev.solvegate.server.api.PublicRouting;
import dev.solvegate.server.api.Replies;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.console.CustomerConsole;
import dev.solvegate.server.console.OperatorConsole;
import dev.solvegate.server.engine.Engine;
import dev.solvegate.server.http.Edge;
import dev.solvegate.server.http.ProtocolErrors;
import dev.solvegate.server.intake.Intake;
import dev.solvegate.server.metrics.Metrics;
import dev.solvegate.server.solver.Solvers;
import dev.solvegate.server.store.DataDir;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.store.DatabaseClock;
import dev.solvegate.server.task.Reports;
import dev.solvegate.server.task.TaskEnds;
import dev.solvegate.server.task.TaskStates;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.template.TemplateStore;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One solvegate node: the database pool, the task engine, the public API (unless a worker) and the admin API
 * with {@code /metrics}, wired together. {@link #start} returns once the listeners accept connections.
 * {@link #close} drains: createTask on this node answers {@code ERROR_SERVICE_UNAVALIABLE} (this node's
 * {@link Intake}; the operator's switch is untouched), running solves get {@code SOLVEGATE_DRAIN_GRACE} to
 * finish and are then handed back to the queue, and only then do the listeners and the pool close.
 *
 * <p>Thread-safety: start and close from one thread; the running node serves requests concurrently.
 */
public final class Node implements AutoCloseable {

    private final Config config;
    private final Database db;
    private final Intake intake;
    private final Engine engine;
    private final WebServer publicServer;
    private final WebServer adminServer;
    private final AdminToken.Resolved token;
    private final Clock clock;
    private final Edges edges;

    private Node(
            Config config,
            Clock clock,
            Database db,
            Intake intake,
            Engine engine,
            WebServer publicServer,
            WebServer adminServer,
            AdminToken.Resolved token,
            Edges edges) {
        this.config = config;
        this.edges = edges;
        this.clock = clock;
        this.db = db;
        this.intake = intake;
        this.engine = engine;
        this.publicServer = publicServer;
        this.adminServer = adminServer;
        this.token = token;
    }

    /**
     * Opens the database, migrates it, starts the engine, the admin listener and, when {@code withPublicApi}, the
     * public listener ({@code ./solvegate worker} runs without it): {@code ./solvegate serve}. Time is the
     * database's ({@link DatabaseClock}), so nodes whose clocks disagree still agree on leases, deadlines and
     * quotas. A generated admin token is kept in the data folder only once both listeners are up.
     */
    public static Node start(Config config, boolean withPublicApi) {
        return start(config, DatabaseClock::of, withPublicApi);
    }

    /** Starts a node as {@link #start(Config, boolean)} does, on {@code clock} instead of the database's (tests). */
    public static Node start(Config config, Clock clock) {
        return start(config, db -> clock, true);
    }

    private static Node start(Config config, Function<Database, Clock> clockOf, boolean withPublicApi) {
        boolean usesDataDir = !config.postgres() || config.adminToken() == null;
        if (usesDataDir) {
            DataDir.prepare(config.dataDir());
        }
        AdminToken.Resolved token = AdminToken.resolve(config);
        var solvers = Solvers.load(config); // before the database: a plugin that cannot load stops the start here
        Database db = Database.open(config);
        if (usesDataDir) {
            DataDir.restrictFiles(config.dataDir());
        }
        WebServer publicServer = null;
        Clock clock = null;
        Edges edges = new Edges();
        try {
            clock = clockOf.apply(db);
            var accounts = new AccountStore(db.jdbi(), clock);
            var templates = new TemplateStore(db.jdbi(), clock);
            var intake = new Intake(db.jdbi());
            var metrics = new Metrics(clock);
            solvers.all()
                    .forEach(s ->
                            metrics.solver(s.id(), s.jar(), s.version(), s.spi().toString()));
            var tasks =
                    new TaskStore(db.jdbi(), clock, config.taskTimeout(), config.resultTtl(), config.idempotencyTtl());
            var callers = new Callers(accounts);
            var states = new TaskStates(db.jdbi(), clock, config.resultTtl());
            var ends = new TaskEnds(states);
            Engine engine = Engine.create(db, config, solvers, metrics, clock, ends, what -> {
                intake.changed(what);
                templates.changed(what);
                callers.changed(what);
            });
            if (withPublicApi) {
                var replies = new Replies(config.errorStatusAlways200());
                var api = new PublicApi(new PublicApi.Deps(
                        intake,
                        accounts,
                        templates,
                        tasks,
                        solvers,
                        new AddressGuard(config.proxyAllowPrivate()),
                        replies,
                        clock,
                        id -> engine.queued(),
                        ends,
                        engine::cancel,
                        new Reports(db.jdbi(), clock, config.resultTtl(), config.reportWindow()),
                        metrics,
                        engine::queueStats,
                        config.priceMicros(),
                        callers,
                        states));
                var customer = new CustomerReads(accounts, tasks, db.jdbi(), replies, clock);
                var customerConsole = new CustomerConsole(customer, clock);
                publicServer = listen(
                        "SOLVEGATE_PORT",
                        "0.0.0.0",
                        config.port(),
                        edges.add(new Edge(config.http(), "public")),
                        ProtocolErrors.catalogue(),
                        r -> PublicRouting.routing(r, api, customer, replies, metrics, db, customerConsole::routes));
            }
            var admin = new AdminApi(accounts, templates, intake, solvers, db.jdbi(), clock, config.priceMicros());
            var reads = new AdminReads(accounts, templates, tasks, intake, metrics, db.jdbi(), clock);
            var operatorConsole = new OperatorConsole(
                    new OperatorConsole.Deps(accounts, templates, tasks, intake, solvers, db.jdbi(), clock),
                    token.token());
            WebServer adminServer = listen(
                    "SOLVEGATE_ADMIN_PORT",
                    config.adminBind(),
                    config.adminPort(),
                    edges.add(new Edge(config.http(), "admin")),
                    ProtocolErrors.admin(),
                    r -> AdminRouting.routing(r, admin, reads, token.token(), metrics, db, operatorConsole));

            engine.start();
            if (token.generated()) {
                AdminToken.keep(config, token.token());
            }
            return new Node(config, clock, db, intake, engine, publicServer, adminServer, token, edges);
        } catch (RuntimeException e) {
            if (publicServer != null) {
                publicServer.stop();
            }
            if (clock != null) {
                DatabaseClock.close(clock);
            }
            edges.close();
            db.close();
            throw e;
        }
    }

    /**
     * Starts a listener behind its {@link Edge} (body limit, timeouts, closing, protocol-error bodies). A port that
     * cannot be bound stops the start with one line naming the variable: it is tried first with a plain socket,
     * since Helidon logs a failed bind as a long stack trace and carries on (a node without its listener stops here
     * too, should another process take the port in between).
     */
    private static WebServer listen(
            String variable,
            String host,
            int port,
            Edge edge,
            ProtocolErrors errors,
            Consumer<HttpRouting.Builder> routing) {
        if (port != 0) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(host, port));
            } catch (IOException e) {
                throw new IllegalStateException(
                        variable + ": cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")");
            }
        }
        WebServerConfig.Builder b = WebServer.builder()
                .port(port)
                .host(host)
                .shutdownHook(false)
                .routing(r -> {
                    r.addFilter(edge.filter());
                    routing.accept(r);
                });
        edge.configure(b, errors);
        WebServer server = b.build().start();
        if (!server.isRunning() || server.port() <= 0) {
            server.stop();
            throw new IllegalStateException(
                    variable + ": cannot listen on " + host + ":" + port + " (address in use?)");
        }
        return server;
    }

    /** The public API's port, or -1 on a worker node. */
    public int port() {
        return publicServer == null ? -1 : publicServer.port();
    }

    public int adminPort() {
        return adminServer.port();
    }

    public String adminToken() {
        return token.token();
    }

    /** Whether this node made the admin token now (it is kept in the data folder and must be shown once). */
    public boolean adminTokenGenerated() {
        return token.generated();
    }

    public Config config() {
        return config;
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
        intake.drain();
        engine.close();
        if (publicServer != null) {
            publicServer.stop();
        }
        adminServer.stop();
        edges.close();
        DatabaseClock.close(clock);
        db.close();
    }

    /** The node's listener guards, closed with it. */
    private static final class Edges implements AutoCloseable {
        private final java.util.List<Edge> all = new java.util.ArrayList<>();

        Edge add(Edge e) {
            all.add(e);
            return e;
        }

        @Override
        public void close() {
            all.forEach(Edge::close);
        }
    }
}
