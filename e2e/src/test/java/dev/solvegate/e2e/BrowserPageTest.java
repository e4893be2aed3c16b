package dev.solvegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.solvegate.puzzle.site.PuzzleSite;
import dev.solvegate.puzzle.site.PuzzleSiteConfig;
import dev.solvegate.puzzle.site.SiteKeys;
import dev.solvegate.puzzle.solver.ArrowImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The puzzle site's own page in Debian's headless chromium (driven by playwright-core, e2e/browser/play.mjs), the
 * way a person uses it: Start, then in each round click the image whose arrow points up. The test decides each
 * click only from the pixels the page shows (the images the browser displays, read with the solver's
 * {@link ArrowImages}); the token the page then shows verifies at the site once.
 *
 * <p>Needs /usr/bin/chromium, node and e2e/browser/node_modules ({@code .ci/browser.sh} installs them): under
 * {@code CI=true} their absence fails the test, elsewhere it is skipped with a notice.
 */
class BrowserPageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPersonClicksTheUprightArrowsAndThePageShowsAToken() throws Exception {
        Path browser = BrowserTools.require(BrowserPageTest.class);
        Path shots = Repo.root().resolve("e2e/target/browser");
        Files.createDirectories(shots);

        try (PuzzleSite site = PuzzleSite.start(PuzzleSiteConfig.defaults().withPort(0))) {
            SiteKeys keys = site.registerSite();
            String base = "http://127.0.0.1:" + site.port();
            Process node = new ProcessBuilder(
                            "node", "play.mjs", base + "/play?publicKey=" + keys.publicKey(), shots.toString())
                    .directory(browser.toFile())
                    .redirectError(shots.resolve("play.err").toFile())
                    .start();
            List<Integer> clicks = new ArrayList<>();
            JsonNode end;
            try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream answers = node.getOutputStream()) {
                while (true) {
                    String line = in.readLine();
                    if (line == null) {
                        fail("play.mjs ended without a result; see " + shots.resolve("play.err"));
                    }
                    JsonNode msg = JSON.readTree(line);
                    if (!msg.has("round")) {
                        end = msg;
                        break;
                    }
                    List<byte[]> images = new ArrayList<>();
                    msg.path("images")
                            .forEach(i -> images.add(Base64.getDecoder().decode(i.asText())));
                    assertThat(images).as("round %s", msg.path("round")).hasSize(6);
                    int pick = ArrowImages.mostUpright(images);
                    clicks.add(pick);
                    answers.write(("{\"click\":" + pick + "}\n").getBytes(StandardCharsets.UTF_8));
                    answers.flush();
                }
            } finally {
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    Repo.stopTree(node, Duration.ofSeconds(5));
                }
            }

            assertThat(end.has("error"))
                    .as("browser error: %s", end.path("error").asText())
                    .isFalse();
            assertThat(clicks).as("one click per round").hasSize(3);
            assertThat(end.path("status").asText()).startsWith("Solved.");
            String token = end.path("token").asText();
            assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
            assertThat(shots.resolve("round-1.png")).isNotEmptyFile();

            String verify = "{\"privateKey\":\"" + keys.privateKey() + "\",\"token\":\"" + token + "\"}";
            JsonNode first = post(base + "/api/verify", verify);
            JsonNode second = post(base + "/api/verify", verify);
            assertThat(first.path("valid").asBoolean()).as(first.toString()).isTrue();
            assertThat(first.path("publicKey").asText())
                    .isEqualTo(keys.publicKey().toString());
            assertThat(second.path("valid").asBoolean()).isFalse();
        }
    }

    private static JsonNode post(String url, String body) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> res = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(res.body());
        }
    }
}
