package dev.solvegate.puzzle.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionFlowTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private PuzzleSite site;
    private SiteClient client;
    private SiteKeys keys;

    @BeforeEach
    void start() {
        site = PuzzleSite.start(PuzzleSiteConfig.defaults().withClock(clock).withMaxSessions(5));
        client = new SiteClient(site);
        keys = site.registerSite();
    }

    @AfterEach
    void stop() {
        site.close();
    }

    @Test
    void newSessionAnnouncesRoundsAndExpiry() {
        SiteClient.Reply r = client.post("/api/session", "{\"publicKey\":\"" + keys.publicKey() + "\"}");

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("sessionId").asText()).hasSize(22);
        assertThat(r.json().get("rounds").asInt()).isEqualTo(3);
        assertThat(r.json().get("imagesPerRound").asInt()).isEqualTo(6);
        assertThat(r.json().get("expiresAt").asText()).isEqualTo("2026-11-26T10:10:00Z");
    }

    @Test
    void publicKeyIsMatchedCaseInsensitively() {
        SiteClient.Reply r = client.post(
                "/api/session",
                "{\"publicKey\":\"" + keys.publicKey().toString().toUpperCase() + "\"}");

        assertThat(r.status()).isEqualTo(201);
    }

    @Test
    void roundServesSixDistinctPngsAndTheSameOnesAgain() throws Exception {
        String id = client.newSession(keys);

        SiteClient.Reply first = client.get("/api/session/" + id + "/round");
        SiteClient.Reply again = client.get("/api/session/" + id + "/round");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("round").asInt()).isEqualTo(1);
        assertThat(first.json().get("prompt").asText()).contains("points straight up");
        assertThat(first.json().get("images")).hasSize(6);
        Set<String> distinct = new HashSet<>();
        for (var node : first.json().get("images")) {
            BufferedImage img =
                    ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(node.asText())));
            assertThat(img.getWidth()).isEqualTo(128);
            assertThat(img.getHeight()).isEqualTo(128);
            distinct.add(node.asText());
        }
        assertThat(distinct).hasSize(6);
        assertThat(again.json().get("images")).isEqualTo(first.json().get("images"));
    }

    @Test
    void rightAnswersAdvanceRoundByRoundToAToken() {
        String id = client.newSession(keys);

        SiteClient.Reply one = client.answerRight(id);
        SiteClient.Reply two = client.answerRight(id);
        SiteClient.Reply three = client.answerRight(id);

        assertThat(one.json().get("state").asText()).isEqualTo("active");
        assertThat(one.json().get("round").asInt()).isEqualTo(2);
        assertThat(two.json().get("round").asInt()).isEqualTo(3);
        assertThat(three.json().get("state").asText()).isEqualTo("solved");
        assertThat(three.json().get("token").asText()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(three.json().get("tokenExpiresAt").asText()).isEqualTo("2026-11-26T10:02:00Z");
    }

    @Test
    void wrongAnswerFailsTheSessionForGood() {
        String id = client.newSession(keys);
        client.get("/api/session/" + id + "/round");
        int wrong = (site.sessions().find(id).orElseThrow().currentAnswer() + 1) % 6;

        SiteClient.Reply answer = client.post("/api/session/" + id + "/answer", "{\"index\":" + wrong + "}");
        SiteClient.Reply round = client.get("/api/session/" + id + "/round");
        SiteClient.Reply retry = client.post("/api/session/" + id + "/answer", "{\"index\":0}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("correct").asBoolean()).isFalse();
        assertThat(answer.json().get("state").asText()).isEqualTo("failed");
        assertThat(round.status()).isEqualTo(409);
        assertThat(round.json().get("error").asText()).contains("wrong answer ends the session");
        assertThat(retry.status()).isEqualTo(409);
    }

    @Test
    void answerBeforeFetchingTheRoundIsAConflict() {
        String id = client.newSession(keys);

        SiteClient.Reply r = client.post("/api/session/" + id + "/answer", "{\"index\":0}");

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("error").asText()).contains("has not been fetched");
    }

    @Test
    void answerNamingAnotherRoundIsAConflictAndKeepsTheSession() {
        String id = client.newSession(keys);
        client.get("/api/session/" + id + "/round");

        SiteClient.Reply r = client.post("/api/session/" + id + "/answer", "{\"round\":2,\"index\":0}");
        SiteClient.Reply right = client.answerRight(id);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("field").asText()).isEqualTo("round");
        assertThat(right.json().get("correct").asBoolean()).isTrue();
    }

    @Test
    void solvedSessionServesNoMoreRounds() {
        String id = client.newSession(keys);
        for (int i = 0; i < 3; i++) {
            client.answerRight(id);
        }

        SiteClient.Reply r = client.get("/api/session/" + id + "/round");

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("error").asText()).contains("already solved");
    }

    @Test
    void sessionExpiresAfterTenMinutes() {
        String id = client.newSession(keys);
        client.get("/api/session/" + id + "/round");

        clock.advance(Duration.ofMinutes(10));
        SiteClient.Reply atTheEdge = client.get("/api/session/" + id + "/round");
        clock.advance(Duration.ofSeconds(1));
        SiteClient.Reply after = client.get("/api/session/" + id + "/round");
        SiteClient.Reply answer = client.post("/api/session/" + id + "/answer", "{\"index\":0}");

        assertThat(atTheEdge.status()).isEqualTo(200);
        assertThat(after.status()).isEqualTo(410);
        assertThat(after.json().get("error").asText()).contains("expired at 2026-11-26T10:10:00Z");
        assertThat(answer.status()).isEqualTo(410);
    }

    @Test
    void sessionsAreCappedAndExpiredOnesMakeRoom() {
        for (int i = 0; i < 5; i++) {
            client.newSession(keys);
        }

        SiteClient.Reply full = client.post("/api/session", "{\"publicKey\":\"" + keys.publicKey() + "\"}");
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        SiteClient.Reply afterExpiry = client.post("/api/session", "{\"publicKey\":\"" + keys.publicKey() + "\"}");

        assertThat(full.status()).isEqualTo(503);
        assertThat(full.json().get("error").asText()).contains("max=5");
        assertThat(afterExpiry.status()).isEqualTo(201);
        assertThat(site.sessionCount()).isEqualTo(1);
    }

    @Test
    void playPageIsServedAsHtmlCallingTheApi() {
        SiteClient.Reply root = client.get("/");
        SiteClient.Reply play = client.get("/play?publicKey=" + keys.publicKey());

        assertThat(root.status()).isEqualTo(200);
        assertThat(root.contentType()).startsWith("text/html");
        assertThat(root.text()).contains("/api/session").contains("/answer");
        assertThat(play.status()).isEqualTo(200);
        assertThat(play.text()).isEqualTo(root.text());
    }
}
