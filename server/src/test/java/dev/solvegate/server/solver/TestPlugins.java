package dev.solvegate.server.solver;

import dev.solvegate.server.support.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Plugin jars the solver tests build. Thread-safety: stateless. */
final class TestPlugins {

    private TestPlugins() {}

    /** The Jackson jars of another version than the server's, copied by the server's pom. */
    static List<Path> otherJackson() throws IOException {
        Path dir = Path.of(System.getProperty("solvegate.test.otherJackson", "target/other-jackson"));
        try (Stream<Path> jars = Files.list(dir)) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    static String otherJacksonVersion() {
        return System.getProperty("solvegate.test.otherJacksonVersion", "2.17.2");
    }

    /**
     * {@code dir/other-jackson-1.0.jar} with its Jackson in {@code dir/other-jackson-1.0/}: solver {@code
     * other-jackson} answers a JSON token, written with its own Jackson, saying which Jackson it has, whether
     * it can load classes of the server (its own, Helidon's, H2's, through its loader and through the thread's
     * context class loader) and the task id. It refuses settings without {@code "greeting"}.
     */
    static Path otherJackson(Path dir) throws IOException {
        List<Path> jackson = otherJackson();
        Path deps = Files.createDirectories(dir.resolve("other-jackson-1.0"));
        for (Path jar : jackson) {
            Files.copy(jar, deps.resolve(jar.getFileName()));
        }
        return PluginJars.plugin()
                .source("test.plugin.OtherJackson", """
                        package test.plugin;

                        import com.fasterxml.jackson.databind.ObjectMapper;
                        import dev.solvegate.spi.*;
                        import java.util.*;

                        public final class OtherJackson implements Solver {
                            @Override
                            public String id() {
                                return "other-jackson";
                            }

                            @Override
                            public Optional<String> checkSettings(SolverSettings settings) {
                                return settings.string("greeting").isPresent()
                                        ? Optional.empty()
                                        : Optional.of("greeting is required: " + settings.values());
                            }

                            @Override
                            public SolveResult solve(SolveTask task, SolveContext context) throws Exception {
                                Map<String, Object> seen = new TreeMap<>();
                                seen.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
                                seen.put("taskId", task.taskId());
                                seen.put("ownLoader", Thread.currentThread().getContextClassLoader()
                                        == getClass().getClassLoader());
                                for (String c : List.of("dev.solvegate.server.solver.Solvers",
                                        "io.helidon.webserver.WebServer", "org.h2.Driver")) {
                                    seen.put(c, visible(c, getClass().getClassLoader())
                                            || visible(c, Thread.currentThread().getContextClassLoader()));
                                }
                                return SolveResult.solved(new ObjectMapper().writeValueAsString(seen));
                            }

                            private static boolean visible(String name, ClassLoader loader) {
                                try {
                                    Class.forName(name, false, loader);
                                    return true;
                                } catch (ClassNotFoundException e) {
                                    return false;
                                }
                            }
                        }
                        """)
                .compileAgainst(jackson)
                .writeTo(dir.resolve("other-jackson-1.0.jar"));
    }
}
