package dev.solvegate.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.solvegate.proxy.testing.Targets;
import dev.solvegate.proxy.testing.TestTls;
import dev.solvegate.spi.ProxiedNetwork.HttpReply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Direct requests to client-given URLs go to the address the guard checked, and never to a refused one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardedHttpTest {

    private TestTls tls;
    private Targets targets;

    /** A resolver that knows only the names it is given: what the guard checks is what is dialled. */
    private static AddressGuard.Resolver names(Map<String, List<String>> answers) {
        return host -> {
            List<String> ips = answers.get(host);
            if (ips == null) {
                throw new UnknownHostException(host);
            }
            List<InetAddress> out = new java.util.ArrayList<>();
            for (String ip : ips) {
                out.add(InetAddress.getByName(ip));
            }
            return out;
        };
    }

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        tls = TestTls.generate(Files.createDirectories(tmp.resolve("tls")));
        targets = new Targets(tls.server());
    }

    @AfterAll
    void stop() throws IOException {
        targets.close();
    }

    @Test
    void connectsToTheCheckedAddressNotAFreshLookup() throws IOException {
        // "callback.invalid" resolves nowhere but through the guard's resolver: success proves the pin
        var guard = new AddressGuard(true, names(Map.of("callback.invalid", List.of("127.0.0.1"))));
        HttpReply r = new GuardedHttp(guard, Duration.ofSeconds(2))
                .send(
                        "POST",
                        URI.create("http://callback.invalid:" + targets.httpPort() + "/echo"),
                        Map.of("X-Token", "t1"),
                        "{\"taskId\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("t1:{\"taskId\":1}");
    }

    @Test
    void httpsIsVerifiedAgainstTheUrlsHostName() throws IOException {
        var guard = new AddressGuard(true, names(Map.of("localhost", List.of("127.0.0.1"))));
        HttpReply r = new GuardedHttp(guard, Duration.ofSeconds(2), tls.client())
                .send("GET", URI.create("https://localhost:" + targets.httpsPort() + "/hello"), Map.of(), null);
        assertThat(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo("hello via localhost:" + targets.httpsPort());
        // the platform's trust store does not know the test certificate: the handshake must fail
        assertThatThrownBy(() -> new GuardedHttp(guard, Duration.ofSeconds(2))
                        .send("GET", URI.create("https://localhost:" + targets.httpsPort() + "/hello"), Map.of(), null))
                .isInstanceOf(javax.net.ssl.SSLException.class);
    }

    @Test
    void aRefusedHostIsNeverDialled() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(300);
            var guard = new AddressGuard(
                    false,
                    names(Map.of(
                            "inside.invalid", List.of("127.0.0.1"),
                            "mixed.invalid", List.of("203.0.113.9", "127.0.0.1"))));
            for (String host : List.of("inside.invalid", "mixed.invalid", "127.0.0.1", "nowhere.invalid")) {
                assertThatThrownBy(() -> new GuardedHttp(guard, Duration.ofSeconds(2))
                                .send(
                                        "POST",
                                        URI.create("http://" + host + ":" + listener.getLocalPort() + "/"),
                                        Map.of(),
                                        new byte[0]))
                        .as(host)
                        .isInstanceOf(GuardedHttp.Refused.class);
            }
            assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }
}
