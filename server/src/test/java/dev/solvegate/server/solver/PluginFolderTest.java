package dev.solvegate.server.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.PluginJars;
import dev.solvegate.spi.ProxiedNetwork;
import dev.solvegate.spi.SolveContext;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.SolverSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SOLVEGATE_PLUGINS: each plugin in a class loader of its own, and every way a plugin can fail to load. */
class PluginFolderTest {

    @TempDir
    Path plugins;

    @TempDir
    Path data;

    private Solvers load() {
        return Solvers.load(
                Config.fromEnv(Map.of("SOLVEGATE_PLUGINS", plugins.toString(), "SOLVEGATE_DATA_DIR", data.toString())));
    }

    private static String simple(String id) {
        return PluginJars.solver("p", "S", id, "", "return SolveResult.solved(\"t\");");
    }

    @Test
    void aPluginWithItsOwnJacksonUsesItAndSeesNoneOfTheServersClasses() throws Exception {
        TestPlugins.otherJackson(plugins);

        LoadedSolver plugin = load().all().stream()
                .filter(s -> s.id().equals("other-jackson"))
                .findFirst()
                .orElseThrow();
        SolveResult r = plugin.withItsLoader(() -> {
            try {
                return plugin.solver()
                        .solve(
                                new SolveTask(7, "https://example.org/", "k", "example.org", "{}", Map.of(), null),
                                context());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        JsonNode seen = Json.MAPPER.readTree(((SolveResult.Solved) r).token());
        assertThat(seen.path("jackson").asText()).isEqualTo(TestPlugins.otherJacksonVersion());
        assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())
                .as("the server's own Jackson")
                .isNotEqualTo(TestPlugins.otherJacksonVersion());
        assertThat(plugin.loader().loadClass(ObjectMapper.class.getName())).isNotSameAs(ObjectMapper.class);
        assertThat(seen.path("dev.solvegate.server.solver.Solvers").asBoolean()).isFalse();
        assertThat(seen.path("io.helidon.webserver.WebServer").asBoolean()).isFalse();
        assertThat(seen.path("org.h2.Driver").asBoolean()).isFalse();
        assertThat(seen.path("ownLoader").asBoolean()).isTrue();
        assertThat(plugin.jar()).isEqualTo("other-jackson-1.0.jar");
        assertThat(plugin.version()).isEqualTo("1.0.0");
        assertThat(plugin.spi().toString()).isEqualTo("1.0");
    }

    @Test
    void builtInSolversAreListedWithThePlugins() throws Exception {
        PluginJars.plugin().source("p.S", simple("alpha")).writeTo(plugins.resolve("alpha.jar"));

        assertThat(load().all())
                .extracting(LoadedSolver::id, LoadedSolver::jar)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("alpha", "alpha.jar"),
                        org.assertj.core.groups.Tuple.tuple("puzzle", LoadedSolver.BUILT_IN),
                        org.assertj.core.groups.Tuple.tuple("test", LoadedSolver.BUILT_IN));
    }

    @Test
    void aFileThatIsNotAJarStopsTheLoad() throws Exception {
        Files.writeString(plugins.resolve("notes.txt"), "hello");

        refused("notes.txt").hasMessageContaining("not a jar");
    }

    @Test
    void aJarThatDoesNotOpenStopsTheLoad() throws Exception {
        Files.writeString(plugins.resolve("broken.jar"), "not a zip");

        refused("broken.jar").hasMessageContaining("not a jar (");
    }

    @Test
    void aJarWithoutAServiceEntryStopsTheLoad() throws Exception {
        PluginJars.plugin().source("p.S", simple("x")).serviceEntry(null).writeTo(plugins.resolve("x.jar"));

        refused("x.jar").hasMessageContaining("no service entry META-INF/services/dev.solvegate.spi.Solver");
    }

    @Test
    void aConstructorThatThrowsStopsTheLoad() throws Exception {
        PluginJars.plugin()
                .source(
                        "p.S",
                        PluginJars.solver(
                                "p",
                                "S",
                                "x",
                                "if (true) throw new IllegalStateException(\"no licence file\");",
                                "return null;"))
                .writeTo(plugins.resolve("x.jar"));

        refused("x.jar")
                .hasMessageContaining("cannot create its solver")
                .hasMessageContaining("p.S")
                .hasMessageContaining("IllegalStateException: no licence file");
    }

    @Test
    void anIdUsedTwiceStopsTheLoadNamingBothJars() throws Exception {
        PluginJars.plugin().source("p.S", simple("same")).writeTo(plugins.resolve("a.jar"));
        PluginJars.plugin().source("p.S", simple("same")).writeTo(plugins.resolve("b.jar"));

        refused("b.jar").hasMessageContaining("solver id \"same\" is already taken by a.jar");
    }

    @Test
    void aPluginCannotTakeTheIdOfABuiltInSolver() throws Exception {
        PluginJars.plugin().source("p.S", simple("test")).writeTo(plugins.resolve("mine.jar"));

        refused("mine.jar").hasMessageContaining("solver id \"test\" is already taken by built-in");
    }

    @Test
    void aJarWithoutAnSpiVersionStopsTheLoad() throws Exception {
        PluginJars.plugin()
                .source("p.S", simple("x"))
                .manifest("Solvegate-Spi-Version", null)
                .writeTo(plugins.resolve("x.jar"));

        refused("x.jar").hasMessageContaining("no Solvegate-Spi-Version in its manifest");
    }

    @Test
    void aJarBuiltForANewerMinorOrAnotherMajorSpiStopsTheLoad() throws Exception {
        PluginJars.plugin()
                .source("p.S", simple("x"))
                .manifest("Solvegate-Spi-Version", "1.1")
                .writeTo(plugins.resolve("x.jar"));
        refused("x.jar").hasMessageContaining("built for SPI 1.1, but this server provides 1.0 (it loads 1.0 to 1.0)");

        PluginJars.plugin()
                .source("p.S", simple("x"))
                .manifest("Solvegate-Spi-Version", "2.0")
                .writeTo(plugins.resolve("x.jar"));
        refused("x.jar").hasMessageContaining("built for SPI 2.0");

        PluginJars.plugin()
                .source("p.S", simple("x"))
                .manifest("Solvegate-Spi-Version", "one")
                .writeTo(plugins.resolve("x.jar"));
        refused("x.jar").hasMessageContaining("Solvegate-Spi-Version: SPI version must be major.minor");
    }

    @Test
    void aBadIdStopsTheLoad() throws Exception {
        PluginJars.plugin().source("p.S", simple("Has Spaces")).writeTo(plugins.resolve("x.jar"));

        refused("x.jar").hasMessageContaining("solver id must be lower case").hasMessageContaining("\"Has Spaces\"");
    }

    @Test
    void aFolderWithoutItsJarStopsTheLoad() throws Exception {
        Files.createDirectories(plugins.resolve("lonely"));

        refused("lonely/").hasMessageContaining("expected lonely.jar beside it");
    }

    @Test
    void aSettingsCheckThatThrowsIsARefusalNamingTheError() throws Exception {
        PluginJars.plugin().source("p.S", """
                        package p;

                        import dev.solvegate.spi.*;
                        import java.util.Optional;

                        public final class S implements Solver {
                            public String id() { return "x"; }
                            public Optional<String> checkSettings(SolverSettings s) { throw new IllegalStateException("bug"); }
                            public SolveResult solve(SolveTask t, SolveContext c) { return SolveResult.solved("t"); }
                        }
                        """).writeTo(plugins.resolve("x.jar"));

        assertThat(load().refusal("x", "{}"))
                .contains("the solver's settings check failed: IllegalStateException: bug");
        assertThat(load().refusal("test", "{}")).isEmpty();
    }

    /** Loading fails with one line: SOLVEGATE_PLUGINS, the jar, the reason. */
    private AbstractThrowableAssert<?, ? extends Throwable> refused(String jar) {
        return assertThatThrownBy(this::load)
                .isInstanceOf(PluginFailure.class)
                .hasMessageStartingWith("SOLVEGATE_PLUGINS: " + jar + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static SolveContext context() {
        return new SolveContext() {
            @Override
            public SolverSettings settings() {
                return new SolverSettings(Map.of());
            }

            @Override
            public Instant deadline() {
                return Instant.now().plusSeconds(10);
            }

            @Override
            public boolean cancelled() {
                return false;
            }

            @Override
            public ProxiedNetwork network() {
                throw new UnsupportedOperationException();
            }
        };
    }
}
