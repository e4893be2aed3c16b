package dev.solvegate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.proxy.testing.ProxyProcess;
import dev.solvegate.proxy.testing.Targets;
import dev.solvegate.proxy.testing.TestTls;
import dev.solvegate.spi.ProxyFailure;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 200 tunnels at once through several real proxies with distinct credentials: no crossover, exact counts. */
class ConcurrentTunnelsTest {

    private static final int TUNNELS = 200;
    private static final int SOCKS = 4;

    @Test
    void twoHundredTunnelsNeverCrossAndWrongCredentialsFail(@TempDir Path dir) throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Targets targets = new Targets(TestTls.generate(dir).server());
            resources.add(targets);
            List<ProxyEndpoint> right = new ArrayList<>();
            for (int i = 0; i < SOCKS; i++) {
                ProxyProcess p = ProxyProcess.microsocks(dir, "user" + i, "pass-" + i + ":x");
                resources.add(p);
                right.add(new ProxyEndpoint(ProxyScheme.SOCKS5, "127.0.0.1", p.port(), "user" + i, "pass-" + i + ":x"));
            }
            List<String> users = List.of("ann", "ben", "cid");
            List<String> passwords = List.of("pw-ann", "pw-ben", "pw-cid");
            ProxyProcess tiny = ProxyProcess.tinyproxy(dir, users, passwords);
            resources.add(tiny);
            for (int i = 0; i < users.size(); i++) {
                right.add(
                        new ProxyEndpoint(ProxyScheme.HTTP, "127.0.0.1", tiny.port(), users.get(i), passwords.get(i)));
            }

            ProxyDialer dialer =
                    new ProxyDialer(new AddressGuard(true), Duration.ofSeconds(10), Duration.ofSeconds(20));
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger authFailed = new AtomicInteger();
            ConcurrentHashMap<Integer, String> wrong = new ConcurrentHashMap<>();
            int expectedBad = 0;
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < TUNNELS; i++) {
                    int n = i;
                    ProxyEndpoint base = right.get(n % right.size());
                    // every fifth tunnel uses the next endpoint's password: a real credential, for another user
                    boolean bad = n % 5 == 4;
                    expectedBad += bad ? 1 : 0;
                    ProxyEndpoint proxy = bad
                            ? new ProxyEndpoint(
                                    base.scheme(),
                                    base.host(),
                                    base.port(),
                                    base.user(),
                                    right.get((n + 1) % right.size()).password())
                            : base;
                    futures.add(threads.submit(() -> {
                        go.await();
                        String token = "tunnel-" + n + "-via-" + proxy.user() + "\n";
                        try (Socket s = dialer.open(proxy, "127.0.0.1", targets.echoPort())) {
                            s.setSoTimeout(20_000);
                            s.getOutputStream().write(token.getBytes(StandardCharsets.UTF_8));
                            String back =
                                    new String(s.getInputStream().readNBytes(token.length()), StandardCharsets.UTF_8);
                            if (bad || !back.equals(token)) {
                                wrong.put(n, "bad=" + bad + " got " + back);
                            } else {
                                ok.incrementAndGet();
                            }
                        } catch (ProxyFailure f) {
                            if (bad && f.reason() == ProxyFailure.Reason.AUTH_FAILED) {
                                authFailed.incrementAndGet();
                            } else {
                                wrong.put(n, "bad=" + bad + " " + f.reason() + ": " + f.getMessage());
                            }
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
            assertThat(wrong).isEmpty();
            assertThat(expectedBad).isEqualTo(40);
            assertThat(ok).hasValue(TUNNELS - expectedBad);
            assertThat(authFailed).hasValue(expectedBad);
        } finally {
            for (AutoCloseable r : resources.reversed()) {
                r.close();
            }
        }
    }
}
