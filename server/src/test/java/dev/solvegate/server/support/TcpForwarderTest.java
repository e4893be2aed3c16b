package dev.solvegate.server.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The forwarder's own promise, which the outage tests stand on: a cut database refuses at once. */
class TcpForwarderTest {

    @Test
    void aConnectionAfterACutIsRefused() throws Exception {
        try (TcpForwarder forwarder = new TcpForwarder("127.0.0.1", 9)) {
            InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), forwarder.port());
            for (int i = 0; i < 300; i++) {
                try (Socket first = new Socket()) {
                    first.connect(at, 1_000); // the accept thread takes this one and goes back into accept()
                }
                if (i % 2 == 0) {
                    forwarder.cut();
                } else {
                    forwarder.reset();
                }

                int round = i;
                assertThatThrownBy(() -> {
                            try (Socket late = new Socket()) {
                                late.connect(at, 1_000);
                            }
                        })
                        .as("round %d", round)
                        .isInstanceOf(ConnectException.class);
                forwarder.restore();
            }
        }
    }
}
