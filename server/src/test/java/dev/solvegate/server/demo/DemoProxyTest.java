package dev.solvegate.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.ProxyDialer;
import dev.solvegate.proxy.ProxyEndpoint;
import dev.solvegate.proxy.ProxyScheme;
import dev.solvegate.spi.ProxyFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo proxy against the project's own proxy client and raw sockets. */
class DemoProxyTest {

    private static final String USER = "demo";
    private static final String PASSWORD = "0123456789abcdef0123456789abcdef";

    private final ProxyDialer dialer =
            new ProxyDialer(new AddressGuard(true), Duration.ofSeconds(2), Duration.ofSeconds(2));
    private Echo echo;
    private Echo other;
    private DemoProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new Echo();
        other = new Echo();
        proxy = DemoProxy.start(0, USER, PASSWORD, Set.of("127.0.0.1:" + echo.port()), 4);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        other.close();
    }

    private ProxyEndpoint endpoint(String password) {
        return new ProxyEndpoint(ProxyScheme.HTTP, "127.0.0.1", proxy.port(), USER, password);
    }

    @Test
    void relaysBytesBothWaysToAnAllowedTarget() throws IOException {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        try (Socket tunnel = dialer.open(endpoint(PASSWORD), "127.0.0.1", echo.port())) {
            tunnel.setSoTimeout(5000);
            Thread.ofVirtual().start(() -> {
                try {
                    tunnel.getOutputStream().write(data);
                    tunnel.getOutputStream().flush();
                } catch (IOException e) {
                    // the read below fails then
                }
            });
            assertThat(tunnel.getInputStream().readNBytes(data.length)).isEqualTo(data);
        }
        assertThat(echo.accepted.get()).isEqualTo(1);
    }

    @Test
    void wrongPasswordFailsAuthentication() {
        assertThatThrownBy(() -> dialer.open(endpoint("wrong-password"), "127.0.0.1", echo.port()))
                .isInstanceOfSatisfying(
                        ProxyFailure.class, e -> assertThat(e.reason()).isEqualTo(ProxyFailure.Reason.AUTH_FAILED));
        assertThat(echo.accepted.get()).isZero();
    }

    @Test
    void missingCredentialsGet407WithABasicChallenge() throws IOException {
        String reply = raw("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 407 ").contains("Proxy-Authenticate: Basic realm=\"solvegate-demo\"");
    }

    @Test
    void targetOutsideTheAllowListIsForbiddenAndNeverContacted() {
        assertThatThrownBy(() -> dialer.open(endpoint(PASSWORD), "127.0.0.1", other.port()))
                .isInstanceOfSatisfying(ProxyFailure.class, e -> assertThat(e.reason())
                        .isEqualTo(ProxyFailure.Reason.TARGET_UNREACHABLE));
        assertThat(other.accepted.get()).isZero();
    }

    @Test
    void otherMethodsAreRefused() throws IOException {
        String auth =
                java.util.Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        String reply = raw("GET http://127.0.0.1:" + echo.port() + "/ HTTP/1.1\r\nProxy-Authorization: Basic " + auth
                + "\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 405 ");
        assertThat(echo.accepted.get()).isZero();
    }

    @Test
    void connectionsBeyondTheBoundGet503() throws IOException {
        Socket[] held = new Socket[4];
        try {
            for (int i = 0; i < held.length; i++) {
                held[i] = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 4);
            assertThat(raw("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\n"))
                    .startsWith("HTTP/1.1 503 ");
        } finally {
            for (Socket s : held) {
                if (s != null) {
                    s.close();
                }
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
        assertThat(raw("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 407 ");
    }

    @Test
    void closeEndsOpenTunnelsAndStopsListening() throws IOException {
        try (Socket tunnel = dialer.open(endpoint(PASSWORD), "127.0.0.1", echo.port())) {
            tunnel.setSoTimeout(5000);
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 2); // client side and upstream
            proxy.close();
            int read;
            try {
                read = tunnel.getInputStream().read();
            } catch (IOException e) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
        }
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), proxy.port()).close())
                .isInstanceOf(IOException.class);
    }

    /** Sends {@code request} on a fresh connection and returns everything the proxy answers before closing. */
    private String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A TCP echo server on a free loopback port that counts its connections. */
    private static final class Echo implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocket server = new ServerSocket();

        Echo() throws IOException {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(() -> {
                while (true) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> {
                            try (s;
                                    InputStream in = s.getInputStream();
                                    OutputStream out = s.getOutputStream()) {
                                in.transferTo(out);
                            } catch (IOException e) {
                                // peer gone
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
