package dev.solvegate.server.demo;

import dev.solvegate.server.config.Config;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/**
 * {@code ./solvegate demo}: starts a {@link Demo}, prints how to use it, and runs until SIGINT or SIGTERM.
 *
 * <p>Thread-safety: run once, from the main thread.
 */
@Command(
        name = "demo",
        description = "Run the service with the reference puzzle site, a local proxy and a demo account,"
                + " and print curl commands that solve a task end to end. The demo keeps its own data folder,"
                + " ./data/demo (its database, admin token and demo.json), apart from serve's ./data.")
public final class DemoCommand implements Callable<Integer> {

    /**
     * The variables only the demo reads, and its own default data folder, for its help (which Main composes with
     * the node's variables).
     */
    public static final String ENV = """
              SOLVEGATE_DATA_DIR             ./data/demo  the demo's own embedded database, admin token and demo.json
              SOLVEGATE_DEMO_SITE_PORT       8090       the reference puzzle site, on 127.0.0.1 (0: any free port)
              SOLVEGATE_DEMO_PROXY_PORT      8899       the demo's HTTP CONNECT proxy, on 127.0.0.1 (0: any free port)\
            """;

    /** The one node variable the demo sets itself. */
    public static final String ALWAYS_PRIVATE =
            "  SOLVEGATE_PROXY_ALLOW_PRIVATE is always true here: the demo proxy listens on 127.0.0.1.";

    @Override
    public Integer call() throws Exception {
        System.out.print(DemoText.privateProxiesNotice());
        Demo demo;
        try {
            demo = Demo.start(System.getenv(), Clock.systemUTC());
        } catch (Config.Invalid | Demo.BadSetting e) {
            System.err.println("solvegate: bad configuration: " + e.getMessage());
            return 2;
        } catch (IllegalStateException | java.io.IOException e) {
            System.err.println("solvegate demo: cannot start: " + e.getMessage());
            return 1;
        }
        System.out.print(DemoText.ready(demo.facts(), demo.file()));
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("solvegate demo: stopping");
                            demo.close();
                            stopped.countDown();
                        },
                        "solvegate-demo-shutdown"));
        stopped.await();
        return 0;
    }
}
