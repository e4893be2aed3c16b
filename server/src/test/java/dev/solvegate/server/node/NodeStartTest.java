package dev.solvegate.server.node;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void busyAdminPortStopsTheStartNamingTheVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> TestNode.start(
                            TestDatabase.H2, Map.of("SOLVEGATE_ADMIN_PORT", Integer.toString(taken.getLocalPort()))))
                    .hasMessageContaining("SOLVEGATE_ADMIN_PORT");
        }
    }
}
