package dev.solvegate.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpiVersionTest {

    @Test
    void currentVersionIsTheOneThePomWritesIntoTheManifest() {
        assertThat(System.getProperty("solvegate.spi.version"))
                .as("run by Maven, which passes the pom's solvegate.spi.version")
                .isNotNull();
        assertThat(SpiVersion.CURRENT.toString()).isEqualTo(System.getProperty("solvegate.spi.version"));
    }

    @Test
    void aServerLoadsPluginsOfItsMajorVersionUpToItsMinorVersion() {
        SpiVersion server = SpiVersion.parse("1.3");

        assertThat(server.canLoad(SpiVersion.parse("1.0"))).isTrue();
        assertThat(server.canLoad(SpiVersion.parse("1.3"))).isTrue();
        assertThat(server.canLoad(SpiVersion.parse("1.4")))
                .as("built for a newer minor")
                .isFalse();
        assertThat(server.canLoad(SpiVersion.parse("0.9"))).as("an older major").isFalse();
        assertThat(server.canLoad(SpiVersion.parse("2.0"))).as("a newer major").isFalse();
    }

    @Test
    void parseAcceptsOnlyMajorDotMinor() {
        assertThat(SpiVersion.parse(" 1.12 ")).isEqualTo(new SpiVersion(1, 12));
        for (String bad : new String[] {"", "1", "1.0.0", "v1.0", "1.x", "-1.0"}) {
            assertThatThrownBy(() -> SpiVersion.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("major.minor")
                    .hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> SpiVersion.parse(null)).hasMessageContaining("major.minor");
    }

    @Test
    void versionsOrderByMajorThenMinor() {
        assertThat(SpiVersion.parse("1.10")).isGreaterThan(SpiVersion.parse("1.9"));
        assertThat(SpiVersion.parse("2.0")).isGreaterThan(SpiVersion.parse("1.10"));
    }

    @Test
    void aSolverAcceptsAnySettingsUnlessItChecksThem() {
        Solver plain = new Solver() {
            @Override
            public String id() {
                return "plain";
            }

            @Override
            public SolveResult solve(SolveTask task, SolveContext context) {
                return SolveResult.solved("t");
            }
        };

        assertThat(plain.checkSettings(new SolverSettings(java.util.Map.of("anything", 1L))))
                .isEqualTo(Optional.empty());
    }
}
