package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.PRICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * client/README.md's program, as a stranger would use it: taken from the page, compiled by a JDK 17 {@code javac
 * --release 17} against the client's jar (and Jackson), run on a Java 17 JVM against a real node.
 *
 * <p>Needs a JDK 17 ({@code -Dsolvegate.jdk17}, default {@code /usr/lib/jvm/java-17-openjdk-amd64}) and the
 * packaged jar (a {@code verify} or {@code install} build; {@code ./solvegate test} is one). Without either the
 * test is skipped with a notice, except under {@code CI=true}, where it fails.
 */
class ReadmeProgramTest {

    static LiveNode node;
    static Path work;
    static Path jdk17;
    static String classpath;

    @BeforeAll
    static void compile() throws Exception {
        jdk17 = Path.of(System.getProperty("solvegate.jdk17", "/usr/lib/jvm/java-17-openjdk-amd64"));
        require(Files.isExecutable(jdk17.resolve("bin/javac")), "no JDK 17 at " + jdk17);
        String jar = System.getProperty("solvegate.client.jar", "");
        require(jar.endsWith(".jar") && Files.isRegularFile(Path.of(jar)), "the client's jar is not built: " + jar);
        classpath = System.getProperty("solvegate.client.classpath");

        work = Files.createTempDirectory("readme-program");
        Files.writeString(work.resolve("Solve.java"), program());
        Run javac = run(
                List.of(
                        jdk17.resolve("bin/javac").toString(),
                        "--release",
                        "17",
                        "-Xlint:all",
                        "-Werror",
                        "-cp",
                        classpath,
                        "-d",
                        work.toString(),
                        work.resolve("Solve.java").toString()),
                Map.of());
        assertThat(javac.exit()).as("javac: %s", javac.err()).isZero();
        byte[] cls = Files.readAllBytes(work.resolve("Solve.class"));
        assertThat(((cls[6] & 0xff) << 8) | (cls[7] & 0xff))
                .as("class file major version")
                .isEqualTo(61);

        node = LiveNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** The README's one {@code java} block that declares {@code class Solve}. */
    static String program() throws IOException {
        Path readme = Path.of(System.getProperty("solvegate.root", ".."), "client", "README.md");
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(readme));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).contains("public class Solve ")) {
                blocks.add(m.group(1));
            }
        }
        assertThat(blocks).as("java blocks declaring class Solve in %s", readme).hasSize(1);
        return blocks.get(0);
    }

    record Run(int exit, String out, String err) {}

    static Run solve(URI url, String key, String publicKey) throws Exception {
        return run(
                List.of(
                        jdk17.resolve("bin/java").toString(),
                        "-cp",
                        work + java.io.File.pathSeparator + classpath,
                        "Solve"),
                Map.of(
                        "SOLVEGATE_URL",
                        url.toString(),
                        "SOLVEGATE_CLIENT_KEY",
                        key,
                        "SOLVEGATE_PUBLIC_KEY",
                        publicKey,
                        "SOLVEGATE_PROXY",
                        LiveNode.PROXY));
    }

    static Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        StreamReader out = new StreamReader(p.getInputStream());
        StreamReader err = new StreamReader(p.getErrorStream());
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not end within 90 s: " + command);
        }
        return new Run(p.exitValue(), out.text(), err.text());
    }

    /** Reads a process's stream on a thread of its own, so a full pipe never blocks the process. */
    static final class StreamReader {
        private final Thread thread;
        private volatile String text = "";

        StreamReader(InputStream in) {
            thread = Thread.ofVirtual().start(() -> {
                try (in) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    text = "(unreadable: " + e + ")";
                }
            });
        }

        String text() throws InterruptedException {
            thread.join();
            return text;
        }
    }

    static void require(boolean ok, String why) {
        if (ok) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("the README program test must run under CI, but " + why);
        }
        System.err.println("NOTICE: " + why + "; skipping the README program test");
        Assumptions.abort(why);
    }

    @Test
    void theProgramRunsOnJava17AndSolvesATask() throws Exception {
        LiveNode.Account acct = node.account(10, "1");
        Run r = solve(node.uri(), acct.key(), LiveNode.TOKEN);

        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).containsPattern("task (\\d+) solved: test-\\1-[0-9a-f]{16}\n");
        assertThat(r.out()).contains("available balance: 0.99925");
        Run version = run(List.of(jdk17.resolve("bin/java").toString(), "-version"), Map.of());
        assertThat(version.err()).contains("version \"17.");
    }

    @Test
    void theProgramSurfacesErrorCaptchaUnsolvable() throws Exception {
        LiveNode.Account acct = node.account(10, "1");
        Run r = solve(node.uri(), acct.key(), LiveNode.UNSOLVABLE);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("ERROR_CAPTCHA_UNSOLVABLE: ").containsPattern("\ntask \\d+\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theProgramSurfacesErrorKeyDoesNotExist() throws Exception {
        Run r = solve(node.uri(), "0123456789abcdef0123456789abcdef", LiveNode.TOKEN);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST: API key not found or invalid\n");
    }

    @Test
    void theProgramCreatesExactlyOneTaskWhenTheFirstCreateTaskReplyIsLost() throws Exception {
        LiveNode.Account acct = node.account(10, "1");
        long tasks = node.taskCount();
        try (FaultRelay relay = new FaultRelay(node.port())) {
            relay.inject("/createTask", FaultRelay.Fault.dropReply());

            Run r = solve(relay.uri(), acct.key(), LiveNode.TOKEN);

            assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
            assertThat(relay.count("/createTask")).isEqualTo(2);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.accountView(acct.id()).get("inFlight").asInt() == 0);
        assertThat(node.taskCount()).isEqualTo(tasks + 1);
        assertThat(node.balance(acct.id())).isEqualByComparingTo(BigDecimal.ONE.subtract(PRICE));
    }
}
