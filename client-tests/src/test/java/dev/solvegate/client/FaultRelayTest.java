package dev.solvegate.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The relay's own promise, which {@link RetryTest}'s refusal cases stand on. */
class FaultRelayTest {

    /**
     * Once {@code stopListening()} returns, a connection is refused, every time. Before the relay waited for its
     * accept thread, about one connect in seven right after the close was accepted and served.
     */
    @Test
    void aConnectionAfterStopListeningIsRefused() throws Exception {
        for (int i = 0; i < 300; i++) {
            try (FaultRelay relay = new FaultRelay(9)) {
                InetSocketAddress at = new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), relay.uri().getPort());
                try (Socket first = new Socket()) {
                    first.connect(at, 1_000); // the accept thread takes this one and goes back into accept()
                }
                relay.stopListening();

                int round = i;
                assertThatThrownBy(() -> {
                            try (Socket late = new Socket()) {
                                late.connect(at, 1_000);
                            }
                        })
                        .as("round %d", round)
                        .isInstanceOf(ConnectException.class);
                relay.listenAgain();
            }
        }
    }
}
