package dev.solvegate.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.solvegate.proxy.testing.ProxyProcess;
import dev.solvegate.proxy.testing.Targets;
import dev.solvegate.proxy.testing.TestTls;
import dev.solvegate.spi.ProxiedNetwork.HttpReply;
import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.ProxyFailure.Reason;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Tunnels through real third-party proxy servers: tinyproxy (HTTP), microsocks (SOCKS5), danted (SOCKS4/5). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealProxyTest {

    private static final String SECRET = "s3cr:et@pw";

    private Path dir;
    private TestTls tls;
    private Targets targets;
    private final ProxyDialer dialer =
            new ProxyDialer(new AddressGuard(true), Duration.ofSeconds(5), Duration.ofSeconds(10));

    @BeforeAll
    void startTargets(@TempDir Path tmp) throws Exception {
        dir = tmp;
        tls = TestTls.generate(dir);
        targets = new Targets(tls.server());
    }

    @AfterAll
    void stopTargets() throws IOException {
        if (targets != null) {
            targets.close();
        }
    }

    private static ProxyEndpoint endpoint(ProxyScheme scheme, ProxyProcess p, String user, String password) {
        return new ProxyEndpoint(scheme, "127.0.0.1", p.port(), user, password);
    }

    /** Echo, HTTP (fixed and chunked) and HTTPS through one proxy, with certificates verified. */
    private void assertTunnelsWork(ProxyEndpoint proxy, String httpsHost) throws IOException {
        try (Socket s = dialer.open(proxy, "127.0.0.1", targets.echoPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ping-through-proxy".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(s.getInputStream().readNBytes(18), StandardCharsets.UTF_8))
                    .isEqualTo("ping-through-proxy");
        }
        try (TunnelNetwork net = new TunnelNetwork(dialer, proxy, tls.client())) {
            HttpReply hello =
                    net.send("GET", URI.create("http://127.0.0.1:" + targets.httpPort() + "/hello"), Map.of(), null);
            assertThat(hello.status()).isEqualTo(200);
            assertThat(new String(hello.body(), StandardCharsets.UTF_8))
                    .isEqualTo("hello via 127.0.0.1:" + targets.httpPort());
            HttpReply chunked =
                    net.send("GET", URI.create("http://127.0.0.1:" + targets.httpPort() + "/chunked"), Map.of(), null);
            assertThat(chunked.headers()).containsEntry("transfer-encoding", "chunked");
            assertThat(new String(chunked.body(), StandardCharsets.UTF_8)).startsWith("hello via");
            HttpReply post = net.send(
                    "POST",
                    URI.create("https://" + httpsHost + ":" + targets.httpsPort() + "/echo"),
                    Map.of("X-Token", "t-1"),
                    "body-1".getBytes(StandardCharsets.UTF_8));
            assertThat(post.status()).isEqualTo(200);
            assertThat(post.headers()).containsEntry("x-method", "POST");
            assertThat(new String(post.body(), StandardCharsets.UTF_8)).isEqualTo("t-1:body-1");
            assertThat(net.openSockets()).isZero();
        }
    }

    @Test
    void tinyproxyTunnelsWithRightCredentials() throws IOException {
        try (ProxyProcess p = ProxyProcess.tinyproxy(dir, List.of("alice"), List.of("s3cret"))) {
            assertTunnelsWork(endpoint(ProxyScheme.HTTP, p, "alice", "s3cret"), "localhost");
        }
    }

    @Test
    void tinyproxyRejectsWrongCredentialsAndUnreachableTargets() {
        try (ProxyProcess p = ProxyProcess.tinyproxy(dir, List.of("alice"), List.of("s3cret"))) {
            ProxyEndpoint wrong = endpoint(ProxyScheme.HTTP, p, "alice", SECRET);
            assertThatThrownBy(() -> dialer.open(wrong, "127.0.0.1", targets.echoPort()))
                    .isInstanceOfSatisfying(
                            ProxyFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.AUTH_FAILED))
                    .message()
                    .doesNotContain(SECRET)
                    .contains("alice");
            ProxyEndpoint right = endpoint(ProxyScheme.HTTP, p, "alice", "s3cret");
            assertThatThrownBy(() -> dialer.open(right, "127.0.0.1", ProxyProcess.freePort()))
                    .isInstanceOfSatisfying(
                            ProxyFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.TARGET_UNREACHABLE));
        }
    }

    @Test
    void microsocksTunnelsWithRightCredentials() throws IOException {
        try (ProxyProcess p = ProxyProcess.microsocks(dir, "bob", SECRET)) {
            assertTunnelsWork(endpoint(ProxyScheme.SOCKS5, p, "bob", SECRET), "127.0.0.1");
        }
    }

    @Test
    void microsocksRejectsWrongCredentialsAndUnreachableTargets() {
        try (ProxyProcess p = ProxyProcess.microsocks(dir, "bob", SECRET)) {
            ProxyEndpoint wrong = endpoint(ProxyScheme.SOCKS5, p, "bob", "not-" + SECRET);
            assertThatThrownBy(() -> dialer.open(wrong, "127.0.0.1", targets.echoPort()))
                    .isInstanceOfSatisfying(
                            ProxyFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.AUTH_FAILED))
                    .message()
                    .doesNotContain(SECRET);
            ProxyEndpoint right = endpoint(ProxyScheme.SOCKS5, p, "bob", SECRET);
            assertThatThrownBy(() -> dialer.open(right, "127.0.0.1", ProxyProcess.freePort()))
                    .isInstanceOfSatisfying(
                            ProxyFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.TARGET_UNREACHABLE));
        }
    }

    @Test
    void dantedTunnelsSocks4AndSocks5() throws IOException {
        try (ProxyProcess p = ProxyProcess.danted(dir)) {
            assertTunnelsWork(endpoint(ProxyScheme.SOCKS4, p, "carol", "unused-by-socks4"), "127.0.0.1");
            assertTunnelsWork(endpoint(ProxyScheme.SOCKS5, p, "carol", "unused-by-method-none"), "127.0.0.1");
            ProxyEndpoint socks5 = endpoint(ProxyScheme.SOCKS5, p, "carol", "x");
            try (Socket s = dialer.open(socks5, "localhost", targets.echoPort())) { // ATYP 3: dante resolves it
                s.getOutputStream().write(7);
                assertThat(s.getInputStream().read()).isEqualTo(7);
            }
            assertThatThrownBy(() -> dialer.open(
                            endpoint(ProxyScheme.SOCKS4, p, "c", "x"), "127.0.0.1", ProxyProcess.freePort()))
                    .isInstanceOfSatisfying(
                            ProxyFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.TARGET_UNREACHABLE));
        }
    }

    @Test
    void httpsCertificateIsVerifiedNotTrusted() {
        try (ProxyProcess p = ProxyProcess.microsocks(dir, "bob", SECRET);
                TunnelNetwork platformTrust =
                        new TunnelNetwork(dialer, endpoint(ProxyScheme.SOCKS5, p, "bob", SECRET))) {
            assertThatThrownBy(() -> platformTrust.send(
                            "GET", URI.create("https://127.0.0.1:" + targets.httpsPort() + "/hello"), Map.of(), null))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(platformTrust.openSockets()).isZero();
        }
    }

    @Test
    void closedProxyPortIsRefused() {
        ProxyEndpoint nobody = new ProxyEndpoint(ProxyScheme.SOCKS5, "127.0.0.1", ProxyProcess.freePort(), "u", SECRET);
        assertThatThrownBy(() -> dialer.open(nobody, "127.0.0.1", targets.echoPort()))
                .isInstanceOfSatisfying(
                        ProxyFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.REFUSED))
                .message()
                .doesNotContain(SECRET);
    }

    @Test
    void guardRefusesNonPublicProxyBeforeConnecting() {
        ProxyDialer strict = new ProxyDialer(new AddressGuard(false), Duration.ofSeconds(5), Duration.ofSeconds(5));
        ProxyEndpoint local = new ProxyEndpoint(ProxyScheme.HTTP, "127.0.0.1", 3128, "u", SECRET);
        assertThatThrownBy(() -> strict.open(local, "example.org", 80))
                .isInstanceOfSatisfying(
                        ProxyFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.REFUSED))
                .hasMessageContaining("non-public address (loopback): 127.0.0.1")
                .message()
                .doesNotContain(SECRET);
    }
}
