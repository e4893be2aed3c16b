package dev.solvegate.server;

import dev.solvegate.server.admin.AdminToken;
import dev.solvegate.server.cli.AdminCommand;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.node.Node;
import dev.solvegate.server.logging.Logs;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./solvegate} command line: {@code serve}, {@code worker}, {@code admin …}. */
@Command(
        name = "solvegate",
        mixinStandardHelpOptions = true,
        version = "solvegate 0.1.0",
        description = "A task-solving API service.",
        subcommands = {
            Main.Serve.class,
            Main.Worker.class,
            dev.solvegate.server.demo.DemoCommand.class,
            AdminCommand.class
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
