package dev.solvegate.server;

import dev.solvegate.server.admin.AdminToken;
import dev.solvegate.server.cli.AdminCommand;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.demo.DemoCommand;
import dev.solvegate.server.logging.Logs;
import dev.solvegate.server.node.Node;
import dev.solvegate.server.solver.LoadedSolver;
import dev.solvegate.server.solver.PluginFailure;
import dev.solvegate.server.solver.Solvers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ScopeType;

/**
 * The {@code ./solvegate} command line: {@code serve}, {@code worker}, {@code solvers}, {@code demo},
 * {@code admin …}, {@code help}.
 * Every command answers {@code --help} (inherited, with {@code --version}); each node command's help ends with
 * the environment variables it reads ({@link Env}).
 */
@Command(
        name = "solvegate",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        usageHelpWidth = 120,
        version = "solvegate 0.1.0",
        description = "A task-solving API service.",
        subcommands = {
            Main.Serve.class,
            Main.Worker.class,
            Main.ListSolvers.class,
            DemoCommand.class,
            AdminCommand.class,
            HelpCommand.class
        },
        footerHeading = "%nLauncher commands (./solvegate only):%n",
        footer = {
            "  test [mvn args...]   run every test of every module",
            "  build                build without running tests",
            "  format               format the sources as the build checks them",
            "%nRun ./solvegate help COMMAND (or COMMAND --help) for a command's options and environment variables."
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        try {
            Logs.configure(System.getenv()); // first: before any library logs
        } catch (Logs.Invalid e) {
            System.err.println("solvegate: bad configuration: " + e.getMessage());
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        CommandLine commandLine = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        commandLine
                .getSubcommands()
                .get("demo")
                .getCommandSpec()
                .usageMessage()
                .footerHeading(Env.HEADING)
                .footer(DemoCommand.ENV, Env.PUBLIC, Env.NODE, Env.LOG, DemoCommand.ALWAYS_PRIVATE);
        int code = commandLine.execute(args);
        if (code != 0 || !(args.length > 0 && (args[0].equals("serve") || args[0].equals("worker")))) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Reads the environment's configuration, or exits with the variable that is wrong. */
    static Config configOrExit() {
        try {
            return Config.fromEnv(System.getenv());
        } catch (Config.Invalid e) {
            System.err.println("solvegate: bad configuration: " + e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    @Command(
            name = "solvers",
            description = "List the solvers a node started with this environment runs (SOLVEGATE_PLUGINS):"
                    + " id, jar, version, SPI version.")
    static final class ListSolvers implements Callable<Integer> {
        @Override
        public Integer call() {
            Config config = configOrExit();
            List<LoadedSolver> all;
            try {
                all = Solvers.load(config).all();
            } catch (PluginFailure e) {
                System.err.println("solvegate: " + e.getMessage());
                return 1;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "JAR", "VERSION", "SPI"});
            all.forEach(s ->
                    rows.add(new String[] {s.id(), s.jar(), s.version(), s.spi().toString()}));
            int[] width = new int[4];
            rows.forEach(r -> {
                for (int i = 0; i < 4; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            });
            for (String[] r : rows) {
                System.out.printf(
                        "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s%n", r[0], r[1], r[2], r[3]);
            }
            return 0;
        }
    }

    @Command(
            name = "serve",
            description = "Run the public API, the admin API and the workers.",
            footerHeading = Env.HEADING,
            footer = {Env.PUBLIC, Env.DATA, Env.NODE, Env.PRIVATE, Env.LOG})
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            return run(true);
        }
    }

    @Command(
            name = "worker",
            description = "Run the workers and the admin API (with /metrics), without the public API.",
            footerHeading = Env.HEADING,
            footer = {Env.DATA, Env.NODE, Env.PRIVATE, Env.LOG, Env.WORKER_UNUSED})
    static final class Worker implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            return run(false);
        }
    }

    /**
     * Starts a node and blocks until SIGTERM or SIGINT; the shutdown hook drains it (intake off on this node,
     * running solves get SOLVEGATE_DRAIN_GRACE, the rest are handed back to other nodes).
     */
    static int run(boolean publicApi) throws InterruptedException {
        Config config = configOrExit();
        Node node;
        try {
            node = Node.start(config, publicApi);
        } catch (RuntimeException e) {
            System.err.println("solvegate: cannot start: " + e.getMessage());
            return 1;
        }
        if (node.adminTokenGenerated()) {
            System.out.println("solvegate: generated an admin token (kept in " + AdminToken.file(config.dataDir())
                    + "; shown only now): " + node.adminToken());
        }
        String db = config.postgres() ? "PostgreSQL" : "embedded H2 in " + config.dataDir();
        System.out.println(
                publicApi
                        ? "solvegate: public API on :" + node.port() + ", admin API on " + config.adminBind() + ":"
                                + node.adminPort() + ", " + config.workers() + " workers, database " + db
                        : "solvegate: worker with " + config.workers() + " workers, admin API and /metrics on "
                                + config.adminBind() + ":" + node.adminPort() + ", database " + db);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("solvegate: draining: waiting up to "
                                    + config.drainGrace().toMillis() / 1000.0 + " s for " + node.busyWorkers()
                                    + " running task(s), then handing the rest back");
                            node.close();
                            stopped.countDown();
                        },
                        "solvegate-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The environment variables of the node commands, with their defaults, as their help shows them (README's
     * Configuration table says the same; a launcher test holds the two together). The demo's help adds
     * {@link DemoCommand#ENV}: set in {@link #main}, since the demo package must not depend on this one.
     */
    public static final class Env {
        public static final String HEADING =
                "%nEnvironment variables (all optional; a bad value stops the start, naming the variable):%n";
        public static final String NODE = """
                  SOLVEGATE_ADMIN_PORT           8081       admin API port (0: any free port)
                  SOLVEGATE_ADMIN_BIND           127.0.0.1  address of the admin API
                  SOLVEGATE_ADMIN_TOKEN          generated on first start, printed once, kept in <data>/admin-token
                  SOLVEGATE_DB_URL               embedded H2 under the data folder; jdbc:postgresql://... for PostgreSQL
                  SOLVEGATE_DB_USER              none       database user
                  SOLVEGATE_DB_PASSWORD          none       database password
                  SOLVEGATE_DB_POOL              32         database connections per node
                  SOLVEGATE_DB_QUEUE_WAIT        2s         how long a request waits for a database connection past capacity
                  SOLVEGATE_DB_QUEUE_MAX         4096       requests waiting for a database connection at once at most
                  SOLVEGATE_TASK_TIMEOUT         300s       a task's whole deadline (300s, 2m, 500ms)
                  SOLVEGATE_SOLVE_TIMEOUT        120s       one solve attempt's limit
                  SOLVEGATE_RESULT_TTL           300s       how long a result is kept after its task ends
                  SOLVEGATE_WORKERS              1000       concurrent solves on this node
                  SOLVEGATE_LEASE                10s        a node's claim on its running tasks without a heartbeat
                  SOLVEGATE_DRAIN_GRACE          10s        how long shutdown waits for running solves
                  SOLVEGATE_MAX_ATTEMPTS         3          solve attempts per task at most, all nodes together
                  SOLVEGATE_PLUGINS              none       a folder of solver plugin jars (docs/PLUGINS.md)
                  SOLVEGATE_HTTP_IDLE_TIMEOUT    60s        a connection idle that long between requests is closed
                  SOLVEGATE_HTTP_HEADER_TIMEOUT  10s        a request whose headers take longer is closed
                  SOLVEGATE_HTTP_BODY_TIMEOUT    30s        a request whose body takes longer is closed
                  SOLVEGATE_PRICE                0.00075    the default price of a ready task for new accounts\
                """;
        public static final String DATA =
                "  SOLVEGATE_DATA_DIR             ./data     the embedded database and the generated admin token";
        public static final String PRIVATE =
                "  SOLVEGATE_PROXY_ALLOW_PRIVATE  false      allow task proxies on private and loopback addresses";
        public static final String PUBLIC = """
                  SOLVEGATE_PORT                 8080       public API port (0: any free port)
                  SOLVEGATE_ERROR_STATUS         seed       seed (the catalogue's HTTP statuses) or 200 (every error)
                  SOLVEGATE_IDEMPOTENCY_TTL      24h        how long an Idempotency-Key of createTask is remembered
                  SOLVEGATE_REPORT_WINDOW        60s        how long after a task's end reportIncorrect still refunds it\
                """;
        public static final String LOG = """
                  SOLVEGATE_LOG_FORMAT           text       text or json: one line or one JSON object per log record, on stderr
                  SOLVEGATE_JAVA_OPTS            none       extra JVM options (read by ./solvegate)\
                """;
        public static final String WORKER_UNUSED =
                "  (SOLVEGATE_PORT and SOLVEGATE_ERROR_STATUS are checked but unused: a worker has no public API.)";

        private Env() {}
    }
}
