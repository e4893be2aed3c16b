package dev.solvegate.puzzle.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VerifyTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private PuzzleSite site;
    private SiteClient client;
    private SiteKeys keys;

    @BeforeEach
    void start() {
        site = PuzzleSite.start(PuzzleSiteConfig.defaults().withClock(clock));
        client = new SiteClient(site);
        keys = site.registerSite();
    }

    @AfterEach
    void stop() {
        site.close();
    }

    @Test
    void tokenVerifiesOnceThenIsRefusedAsReplay() {
        String token = client.solve(keys);

        SiteClient.Reply first = client.verify(keys.privateKey(), token);
        SiteClient.Reply replay = client.verify(keys.privateKey(), token);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("valid").asBoolean()).isTrue();
        assertThat(first.json().get("publicKey").asText())
                .isEqualTo(keys.publicKey().toString());
        assertThat(first.json().get("issuedAt").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().get("valid").asBoolean()).isFalse();
        assertThat(replay.json().get("reason").asText()).contains("already been used");
    }

    @Test
    void parallelVerificationsOfOneTokenAdmitExactlyOne() throws Exception {
        String token = client.solve(keys);
        int n = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return client.verify(keys.privateKey(), token)
                            .json()
                            .get("valid")
                            .asBoolean();
                }));
            }
            go.countDown();
            int valid = 0;
            for (Future<Boolean> f : results) {
                valid += f.get() ? 1 : 0;
            }
            assertThat(valid).isEqualTo(1);
        }
    }

    @Test
    void anotherSitesPrivateKeyDoesNotVerifyTheTokenNorUseItUp() {
        SiteKeys other = site.registerSite();
        String token = client.solve(keys);

        SiteClient.Reply wrongSite = client.verify(other.privateKey(), token);
        SiteClient.Reply rightSite = client.verify(keys.privateKey(), token);

        assertThat(wrongSite.status()).isEqualTo(200);
        assertThat(wrongSite.json().get("valid").asBoolean()).isFalse();
        assertThat(wrongSite.json().get("reason").asText()).contains("not issued for this site");
        assertThat(rightSite.json().get("valid").asBoolean()).isTrue();
    }

    @Test
    void unregisteredPrivateKeyIsForbidden() {
        String token = client.solve(keys);

        SiteClient.Reply r = client.verify(keys.privateKey() + "x", token);

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("field").asText()).isEqualTo("privateKey");
        assertThat(r.text()).doesNotContain(keys.privateKey());
    }

    @Test
    void tamperedTokenIsInvalid() {
        String token = client.solve(keys);
        int dot = token.indexOf('.');
        String body = token.substring(0, dot);
        char flipped = body.charAt(5) == 'A' ? 'B' : 'A';
        String tampered = body.substring(0, 5) + flipped + body.substring(6) + token.substring(dot);

        SiteClient.Reply r = client.verify(keys.privateKey(), tampered);
        SiteClient.Reply original = client.verify(keys.privateKey(), token);

        assertThat(r.json().get("valid").asBoolean()).isFalse();
        assertThat(original.json().get("valid").asBoolean()).isTrue();
    }

    @Test
    void garbageTokenIsInvalidNotAnError() {
        SiteClient.Reply r = client.verify(keys.privateKey(), "not-a-token");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("valid").asBoolean()).isFalse();
    }

    @Test
    void tokenExpiresAfterTwoMinutes() {
        String token = client.solve(keys);
        String later = client.solve(keys);

        clock.advance(Duration.ofMinutes(2));
        SiteClient.Reply atTheEdge = client.verify(keys.privateKey(), later);
        clock.advance(Duration.ofSeconds(1));
        SiteClient.Reply expired = client.verify(keys.privateKey(), token);

        assertThat(atTheEdge.json().get("valid").asBoolean()).isTrue();
        assertThat(expired.json().get("valid").asBoolean()).isFalse();
        assertThat(expired.json().get("reason").asText()).contains("expired at 2026-11-26T10:02:00Z");
    }

    @Test
    void registeringATakenPublicKeyIsRefused() {
        SiteKeys clash = new SiteKeys(keys.publicKey(), "another-private-key-0123456789");
        SiteKeys fresh = new SiteKeys(UUID.randomUUID(), keys.privateKey());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> site.registerSite(clash))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> site.registerSite(fresh))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already used");
    }

    @Test
    void siteKeysNeverPrintThePrivateKey() {
        assertThat(keys.toString()).contains(keys.publicKey().toString()).doesNotContain(keys.privateKey());
    }
}
