package dev.solvegate.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.solvegate.server.solver.PluginFailure;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStartTest {

    @Test
    void busyPublicPortStopsTheStartNamingTheVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            assertThatThrownBy(() -> TestNode.start(
                            TestDatabase.H2, Map.of("SOLVEGATE_PORT", Integer.toString(taken.getLocalPort()))))
                    .hasMessageContaining("SOLVEGATE_PORT")
                    .hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
    }

    @Test
    void aPluginThatCannotLoadStopsTheStartNamingTheJarAndTheReason(@TempDir Path plugins) throws Exception {
        Files.writeString(plugins.resolve("broken.jar"), "not a zip");

        assertThatThrownBy(() -> TestNode.start(TestDatabase.H2, Map.of("SOLVEGATE_PLUGINS", plugins.toString())))
                .isInstanceOf(PluginFailure.class)
                .hasMessageStartingWith("SOLVEGATE_PLUGINS: broken.jar: not a jar");
    }

    @Test
    void busyAdminPortStopsTheStartNamingTheVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> TestNode.start(
                            TestDatabase.H2, Map.of("SOLVEGATE_ADMIN_PORT", Integer.toString(taken.getLocalPort()))))
                    .hasMessageContaining("SOLVEGATE_ADMIN_PORT");
        }
    }

    @Test
    void aNodeThatCannotStartKeepsNoAdminTokenNobodyWasShown() throws Exception {
        Path data = Files.createTempDirectory("solvegate-start");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of(
                    "SOLVEGATE_ADMIN_PORT", Integer.toString(taken.getLocalPort()),
                    "SOLVEGATE_ADMIN_TOKEN", "",
                    "SOLVEGATE_DATA_DIR", data.toString());
            assertThatThrownBy(() -> TestNode.start(TestDatabase.H2, env)).hasMessageContaining("SOLVEGATE_ADMIN_PORT");
        }
        assertThat(data.resolve("admin-token")).doesNotExist();
    }

    @Test
    void aGeneratedAdminTokenIsKeptReadableByItsOwnerOnly() throws Exception {
        Path data = Files.createTempDirectory("solvegate-start");
        try (TestNode node = TestNode.start(
                TestDatabase.H2, Map.of("SOLVEGATE_ADMIN_TOKEN", "", "SOLVEGATE_DATA_DIR", data.toString()))) {
            Path file = data.resolve("admin-token");
            assertThat(node.node().adminTokenGenerated()).isTrue();
            assertThat(Files.readString(file).strip()).isEqualTo(node.node().adminToken());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
    }
}
