package dev.solvegate.puzzle.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.solvegate.spi.Failure;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Site replies the real site never sends, scripted at the network boundary. */
class UnreadableChallengeTest {

    private static final String PROMPT = "Pick the image in which the arrow points straight up.";
    private final PuzzleSolver solver = new PuzzleSolver();
    private final SolveTask task = new SolveTask(
            9, "http://puzzle.test/login", "3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11", "puzzle.test", "{}", Map.of(), null);

    private static ScriptedNetwork siteServing(String imagesJson, String prompt) {
        return new ScriptedNetwork(request -> switch (request) {
            case "POST /api/session" -> new ScriptedNetwork.Canned(201, "{\"sessionId\":\"S\",\"rounds\":3}");
            case "GET /api/session/S/round" ->
                new ScriptedNetwork.Canned(
                        200, "{\"round\":1,\"rounds\":3,\"prompt\":\"" + prompt + "\",\"images\":" + imagesJson + "}");
            default -> new ScriptedNetwork.Canned(404, "{\"error\":\"unexpected " + request + "\"}");
        });
    }

    private static String images(String oneImageBase64) {
        return "[" + String.join(",", Collections.nCopies(6, "\"" + oneImageBase64 + "\"")) + "]";
    }

    @Test
    void imagesThatAreNotPngsAreUnsolvable() throws Exception {
        ScriptedNetwork net = siteServing(images(Base64.getEncoder().encodeToString("not a png".getBytes())), PROMPT);

        SolveResult r = solver.solve(task, new TestContext(Map.of(), net));

        assertThat(r).isInstanceOfSatisfying(SolveResult.Failed.class, f -> {
            assertThat(f.failure()).isEqualTo(Failure.UNSOLVABLE);
            assertThat(f.detail()).contains("no image of round 1 is readable");
        });
        assertThat(net.requests).containsExactly("POST /api/session", "GET /api/session/S/round");
    }

    @Test
    void imagesWithoutAFigureAreUnsolvable() throws Exception {
        ScriptedNetwork net = siteServing(images(blankPng()), PROMPT);

        SolveResult r = solver.solve(task, new TestContext(Map.of(), net));

        assertThat(r).isInstanceOfSatisfying(SolveResult.Failed.class, f -> {
            assertThat(f.failure()).isEqualTo(Failure.UNSOLVABLE);
            assertThat(f.detail()).contains("no figure found");
        });
    }

    @Test
    void imagesThatAreNotBase64AreUnsolvable() throws Exception {
        SolveResult r = solver.solve(task, new TestContext(Map.of(), siteServing(images("%%%"), PROMPT)));

        assertThat(((SolveResult.Failed) r).failure()).isEqualTo(Failure.UNSOLVABLE);
    }

    @Test
    void unknownPromptIsUnsolvableWithoutAnswering() throws Exception {
        ScriptedNetwork net = siteServing(images(blankPng()), "Pick every traffic light.");

        SolveResult r = solver.solve(task, new TestContext(Map.of(), net));

        assertThat(((SolveResult.Failed) r).detail()).contains("unknown challenge prompt");
        assertThat(net.requests).doesNotContain("POST /api/session/S/answer");
    }

    @Test
    void roundWithoutImagesIsUnsolvable() throws Exception {
        SolveResult r = solver.solve(task, new TestContext(Map.of(), siteServing("[]", PROMPT)));

        assertThat(((SolveResult.Failed) r).detail()).contains("no images");
    }

    @Test
    void siteServerErrorEscapesAsAnException() {
        ScriptedNetwork net = new ScriptedNetwork(request -> new ScriptedNetwork.Canned(503, "{\"error\":\"busy\"}"));

        assertThatThrownBy(() -> solver.solve(task, new TestContext(Map.of(), net)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("503");
    }

    @Test
    void nonJsonReplyIsUnsolvable() throws Exception {
        ScriptedNetwork net = new ScriptedNetwork(request -> new ScriptedNetwork.Canned(200, "<html>"));

        SolveResult r = solver.solve(task, new TestContext(Map.of(), net));

        assertThat(((SolveResult.Failed) r).detail()).contains("is not JSON");
    }

    @Test
    void sessionIdIsNotEchoedInFailureDetails() throws Exception {
        ScriptedNetwork net = siteServing(images(blankPng()), PROMPT);

        SolveResult r = solver.solve(task, new TestContext(Map.of(), net));

        assertThat(((SolveResult.Failed) r).detail()).doesNotContain("/S/");
    }

    private static String blankPng() throws IOException {
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(220, 220, 220));
        g.fillRect(0, 0, 128, 128);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
