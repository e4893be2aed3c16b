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
                + " and print curl commands that solve a task end to end.")
public final class DemoCommand implements Callable<Integer> {

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
