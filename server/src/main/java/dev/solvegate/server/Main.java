package dev.solvegate.server;

import dev.solvegate.server.admin.AdminToken;
import dev.solvegate.server.cli.AdminCommand;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.node.Node;
import dev.solvegate.server.solver.LoadedSolver;
import dev.solvegate.server.solver.PluginFailure;
import dev.solvegate.server.solver.Solvers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./solvegate} command line: {@code serve}, {@code worker}, {@code solvers}, {@code admin …}. */
@Command(
        name = "solvegate",
        mixinStandardHelpOptions = true,
        version = "solvegate 0.1.0",
        description = "A task-solving API service.",
        subcommands = {
            Main.Serve.class,
            Main.Worker.class,
            Main.ListSolvers.class,
            dev.solvegate.server.demo.DemoCommand.class,
            AdminCommand.class
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code = new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
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

    @Command(name = "serve", description = "Run the public API, the admin API and the workers.")
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            return run(true);
        }
    }

    @Command(
            name = "worker",
            description = "Run the workers and the admin API (with /metrics), without the public API.")
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
            node = Node.start(config, Clock.systemUTC(), publicApi);
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
}
