package dev.solvegate.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.solvegate.proxy.testing.FakeProxy;
import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.ProxyFailure.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our own broken proxies: every misbehaviour maps to its reason, in time, and the socket is released. */
class MisbehavingProxyTest {

    private static final String SECRET = "hunter2-secret";
    private static final Duration HANDSHAKE = Duration.ofMillis(500);
    private final ProxyDialer dialer = new ProxyDialer(new AddressGuard(true), Duration.ofSeconds(5), HANDSHAKE);

    private static ProxyEndpoint at(ProxyScheme scheme, FakeProxy fake) {
        return new ProxyEndpoint(scheme, "127.0.0.1", fake.port(), "user", SECRET);
    }

    private void assertFails(ProxyScheme scheme, FakeProxy.Behaviour behaviour, Reason reason) throws Exception {
        try (FakeProxy fake = new FakeProxy(behaviour)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> dialer.open(at(scheme, fake), "target.example", 443))
                    .isInstanceOfSatisfying(
                            ProxyFailure.class, f -> assertThat(f.reason()).isEqualTo(reason))
                    .message()
                    .doesNotContain(SECRET);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            fake.clientClosed().get(10, TimeUnit.SECONDS); // the dialer closed its socket
        }
    }

    @ParameterizedTest
    @EnumSource(ProxyScheme.class)
    void silentProxyTimesOut(ProxyScheme scheme) throws Exception {
        long start = System.nanoTime();
        assertFails(scheme, s -> {}, Reason.TIMED_OUT); // FakeProxy only reads until the client closes
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(HANDSHAKE);
    }

    @ParameterizedTest
    @EnumSource(ProxyScheme.class)
    void slowTrickleStillTimesOutOnTheWholeHandshake(ProxyScheme scheme) throws Exception {
        // one valid-looking byte every 200 ms: each read succeeds, only the overall deadline stops it
        byte[] drip = scheme == ProxyScheme.HTTP
                ? "HTTP/1.1 200 OK\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                        .getBytes(StandardCharsets.US_ASCII)
                : scheme == ProxyScheme.SOCKS5 ? new byte[] {5, 0, 5, 0, 0, 3, 60} : new byte[] {0};
        assertFails(
                scheme,
                s -> {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 200; i++) {
                        out.write(drip[Math.min(i, drip.length - 1)]);
                        out.flush();
                        Thread.sleep(200);
                    }
                },
                Reason.TIMED_OUT);
    }

    @ParameterizedTest
    @EnumSource(ProxyScheme.class)
    void closeMidHandshakeIsProtocolError(ProxyScheme scheme) throws Exception {
        assertFails(
                scheme,
                s -> {
                    s.getInputStream().read();
                    s.getOutputStream().write(scheme == ProxyScheme.HTTP ? 'H' : 5);
                    s.close();
                },
                Reason.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @EnumSource(ProxyScheme.class)
    void garbageReplyIsProtocolError(ProxyScheme scheme) throws Exception {
        assertFails(
                scheme,
                s -> {
                    s.getInputStream().read();
                    s.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                },
                Reason.PROTOCOL_ERROR);
    }

    @Test
    void httpNon2xxIsTargetUnreachableAnd407IsAuth() throws Exception {
        assertFails(
                ProxyScheme.HTTP,
                reply("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"),
                Reason.TARGET_UNREACHABLE);
        assertFails(ProxyScheme.HTTP, reply("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"), Reason.AUTH_FAILED);
    }

    @Test
    void httpConnectSendsBasicCredentialsForThisProxyOnly() throws Exception {
        byte[][] seen = new byte[1][];
        try (FakeProxy fake = new FakeProxy(s -> {
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            seen[0] = java.util.Arrays.copyOf(buf, n);
            s.getOutputStream()
                    .write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            try (Socket s = dialer.open(at(ProxyScheme.HTTP, fake), "target.example", 443)) {
                assertThat(s.isConnected()).isTrue();
            }
            String request = new String(seen[0], StandardCharsets.US_ASCII);
            String basic =
                    java.util.Base64.getEncoder().encodeToString(("user:" + SECRET).getBytes(StandardCharsets.UTF_8));
            assertThat(request)
                    .startsWith("CONNECT target.example:443 HTTP/1.1\r\n")
                    .contains("Proxy-Authorization: Basic " + basic + "\r\n");
        }
    }

    @Test
    void socks4RejectionCodesMapToReasons() throws Exception {
        assertFails(ProxyScheme.SOCKS4, socks4Reply(0x5b), Reason.TARGET_UNREACHABLE);
        assertFails(ProxyScheme.SOCKS4, socks4Reply(0x5c), Reason.AUTH_FAILED);
        assertFails(ProxyScheme.SOCKS4, socks4Reply(0x5d), Reason.AUTH_FAILED);
    }

    @Test
    void socks4aSendsTheHostNameForTheProxyToResolve() throws Exception {
        byte[][] seen = new byte[1][];
        try (FakeProxy fake = new FakeProxy(s -> {
            seen[0] = FakeProxy.read(s, 8 + 5 + 15);
            s.getOutputStream().write(new byte[] {0, 0x5a, 0, 0, 0, 0, 0, 0});
        })) {
            dialer.open(at(ProxyScheme.SOCKS4, fake), "target.example", 443).close();
            assertThat(seen[0])
                    .containsExactly(
                            4,
                            1,
                            1,
                            (byte) 187,
                            0,
                            0,
                            0,
                            1,
                            'u',
                            's',
                            'e',
                            'r',
                            0,
                            't',
                            'a',
                            'r',
                            'g',
                            'e',
                            't',
                            '.',
                            'e',
                            'x',
                            'a',
                            'm',
                            'p',
                            'l',
                            'e',
                            0);
        }
    }

    @Test
    void socks5RejectionsMapToReasons() throws Exception {
        assertFails(ProxyScheme.SOCKS5, reply(new byte[] {5, (byte) 0xff}), Reason.AUTH_FAILED);
        assertFails(ProxyScheme.SOCKS5, socks5AfterAuth(new byte[] {1, 1}, null), Reason.AUTH_FAILED);
        for (int rep = 1; rep <= 8; rep++) {
            assertFails(
                    ProxyScheme.SOCKS5,
                    socks5AfterAuth(new byte[] {1, 0}, new byte[] {5, (byte) rep, 0, 1, 0, 0, 0, 0, 0, 0}),
                    Reason.TARGET_UNREACHABLE);
        }
        assertFails(
                ProxyScheme.SOCKS5, socks5AfterAuth(new byte[] {1, 0}, new byte[] {5, 0, 0, 9}), Reason.PROTOCOL_ERROR);
    }

    @Test
    void socks5SendsDomainAsAtyp3AndCredentials() throws Exception {
        byte[][] seen = new byte[2][];
        try (FakeProxy fake = new FakeProxy(s -> {
            FakeProxy.read(s, 4);
            s.getOutputStream().write(new byte[] {5, 2});
            seen[0] = FakeProxy.read(s, 3 + 4 + SECRET.length());
            s.getOutputStream().write(new byte[] {1, 0});
            seen[1] = FakeProxy.read(s, 5 + 14 + 2);
            s.getOutputStream().write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        })) {
            dialer.open(at(ProxyScheme.SOCKS5, fake), "target.example", 443).close();
            assertThat(new String(seen[0], 2, 4, StandardCharsets.US_ASCII)).isEqualTo("user");
            assertThat(new String(seen[0], 7, SECRET.length(), StandardCharsets.US_ASCII))
                    .isEqualTo(SECRET);
            assertThat(seen[1]).startsWith(5, 1, 0, 3, 14);
            assertThat(new String(seen[1], 5, 14, StandardCharsets.US_ASCII)).isEqualTo("target.example");
        }
    }

    @Test
    void closeAbortsATunnelStillInItsHandshake() throws Exception {
        CountDownLatch accepted = new CountDownLatch(1);
        ProxyDialer patient = new ProxyDialer(new AddressGuard(true), Duration.ofSeconds(5), Duration.ofSeconds(60));
        try (FakeProxy fake = new FakeProxy(s -> accepted.countDown()); // then never answers
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            TunnelNetwork net = new TunnelNetwork(patient, at(ProxyScheme.SOCKS5, fake));
            Future<Socket> pending = threads.submit(() -> net.connect("target.example", 443));
            assertThat(accepted.await(10, TimeUnit.SECONDS)).isTrue();
            net.close();
            assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
            fake.clientClosed().get(10, TimeUnit.SECONDS);
            assertThat(net.openSockets()).isZero();
            assertThatThrownBy(() -> net.connect("target.example", 443)).isInstanceOf(IOException.class);
        }
    }

    private static FakeProxy.Behaviour reply(String text) {
        return reply(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static FakeProxy.Behaviour reply(byte[] bytes) {
        return s -> {
            s.getInputStream().read();
            s.getOutputStream().write(bytes);
        };
    }

    private static FakeProxy.Behaviour socks4Reply(int code) {
        return reply(new byte[] {0, (byte) code, 0, 0, 0, 0, 0, 0});
    }

    private static FakeProxy.Behaviour socks5AfterAuth(byte[] authReply, byte[] connectReply) {
        return s -> {
            FakeProxy.read(s, 4);
            s.getOutputStream().write(new byte[] {5, 2});
            FakeProxy.read(s, 3 + 4 + SECRET.length());
            s.getOutputStream().write(authReply);
            if (connectReply != null) {
                FakeProxy.read(s, 5 + 14 + 2);
                s.getOutputStream().write(connectReply);
            }
        };
    }
}
