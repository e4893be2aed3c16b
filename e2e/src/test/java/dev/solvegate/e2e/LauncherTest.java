package dev.solvegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./solvegate} as a newcomer meets it: a fresh copy of this working tree (its tracked and not-ignored files:
 * no {@code target/}, no {@code data/}) that builds itself on its first command, then the commands README.md gives,
 * each as a real process in that copy. Nodes listen on free ports; their admin APIs on 127.0.0.1.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LauncherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANSI = Pattern.compile("\u001b\\[");
    private static final Pattern TEXT_LOG =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z (INFO|WARNING|SEVERE) +\\S+: .*");

    @TempDir
    static Path temp;

    static Path copy;
    static Run firstRun;

    @BeforeAll
    static void freshCopyBuildsOnItsFirstCommand() throws Exception {
        copy = temp.resolve("solvegate");
        copyWorkingTree(Repo.root(), copy);
        firstRun = run(copy, Map.of(), Duration.ofMinutes(4), "./solvegate", "admin", "--help");
    }

    @AfterAll
    static void noNodeLeft() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void theFirstBuildSaysWhatItDoesWithoutMavenNoiseOrAnsiCodes() throws IOException {
        assertThat(firstRun.exit).as(firstRun.toString()).isZero();
        assertThat(firstRun.err)
                .contains("solvegate: building (first use or sources changed: downloading dependencies on first use")
                .contains("solvegate: built in ")
                .doesNotContain("[INFO]")
                .doesNotContain("WARNING: A terminally deprecated method in sun.misc.Unsafe");
        assertThat(ANSI.matcher(firstRun.err + firstRun.out).find())
                .as("ANSI codes in %s", firstRun)
                .isFalse();
        assertThat(firstRun.out).startsWith("Usage: solvegate admin ");
        assertThat(archives()).as("class-data archives in server/target").hasSize(1);
    }

    @Test
    void theJvmPrintsNothingOfItsOwnAndUsesTheArchiveOnlyWhenItMatches() throws Exception {
        for (String[] command : List.of(
                new String[] {"./solvegate", "admin", "--help"},
                new String[] {"./solvegate", "serve", "--help"},
                new String[] {"./solvegate", "--version"})) {
            Run r = run(copy, Map.of(), Duration.ofMinutes(1), command);
            assertThat(r.exit).as(r.toString()).isZero();
            assertThat(r.err).as(r.toString()).isEmpty();
            assertThat(r.out.lines()).as(r.toString()).noneMatch(l -> l.startsWith("["));
        }
        assertThat(mainLoadedFrom()).as("the archive is used").contains("shared objects file");

        Path jar = copy.resolve("server/target/solvegate.jar");
        FileTime built = Files.getLastModifiedTime(jar);
        try {
            // the launcher still offers the archive (newer than the jar); the JVM sees the jar changed
            Files.setLastModifiedTime(jar, FileTime.fromMillis(built.toMillis() - 2000));
            Run r = run(copy, Map.of(), Duration.ofMinutes(1), "./solvegate", "admin", "--help");
            assertThat(r.exit).as(r.toString()).isZero();
            assertThat(r.err).as(r.toString()).isEmpty();
            assertThat(r.out).isEqualTo(firstRun.out);
            assertThat(mainLoadedFrom()).as("a mismatching archive is not used").contains("solvegate.jar");
        } finally {
            Files.setLastModifiedTime(jar, built);
        }
        assertThat(archives()).hasSize(1);
    }

    @Test
    void everyCommandAnswersHelpWithItsOptionsAndEnvironment() throws Exception {
        for (List<String> args : List.of(
                List.<String>of(),
                List.of("help"),
                List.of("--help"),
                List.of("serve", "--help"),
                List.of("worker", "--help"),
                List.of("demo", "--help"),
                List.of("admin", "key", "--help"),
                List.of("help", "serve"))) {
            Run r = solvegate(copy, Map.of(), args);
            assertThat(r.exit).as(r.toString()).isZero();
            assertThat(r.out).as(r.toString()).startsWith("Usage: solvegate").contains("-h, --help");
            assertThat(r.err).as(r.toString()).isEmpty();
        }
        assertThat(solvegate(copy, Map.of(), List.of()).out).contains("serve", "demo", "admin", "format");

        String serve = solvegate(copy, Map.of(), List.of("serve", "--help")).out;
        String demo = solvegate(copy, Map.of(), List.of("demo", "--help")).out;
        Map<String, String> table = readmeConfiguration();
        assertThat(table).containsKeys("SOLVEGATE_PORT", "SOLVEGATE_DB_POOL", "SOLVEGATE_LOG_FORMAT");
        table.forEach((name, byDefault) -> {
            String help = name.contains("_DEMO_") ? demo : serve;
            assertThat(help)
                    .as("%s with its README default %s in its command's help", name, byDefault)
                    .containsPattern("(?m)^ +" + Pattern.quote(name) + " +" + Pattern.quote(byDefault));
        });
        assertThat(serve).containsPattern("SOLVEGATE_DB_POOL +32").containsPattern("SOLVEGATE_LOG_FORMAT +text");
        assertThat(demo).contains("./data/demo").containsPattern("SOLVEGATE_DATA_DIR +./data/demo");
        assertThat(solvegate(copy, Map.of(), List.of("worker", "--help")).out)
                .contains("SOLVEGATE_WORKERS", "SOLVEGATE_LEASE", "SOLVEGATE_DRAIN_GRACE");
        assertThat(solvegate(copy, Map.of(), List.of("admin", "key", "--help")).out)
                .contains("create", "revoke", "SOLVEGATE_ADMIN_TOKEN", "SOLVEGATE_DATA_DIR", "SOLVEGATE_ADMIN_PORT");
    }

    @Test
    void logsAreOneLinePerRecordAndJsonOnRequest() throws Exception {
        for (String format : List.of("text", "json")) {
            Path data = Files.createTempDirectory(temp, "logs-" + format);
            Map<String, String> env = nodeEnv(data);
            env.put("SOLVEGATE_LOG_FORMAT", format);
            try (Node node = Node.start(copy, env, data, "serve")) {
                Run created = solvegate(copy, env, List.of("admin", "account", "create", "--name", "logs"));
                assertThat(created.exit).as(created.toString()).isZero();
                assertThat(JSON.readTree(created.out).path("id").asLong()).isPositive();
                await("the node's log line").atMost(Duration.ofSeconds(10)).until(() -> node.err()
                        .contains("created account"));
                String err = node.err();
                assertThat(err)
                        .doesNotContain("There is no Helidon logging implementation")
                        .doesNotContain("Successfully applied")
                        .doesNotContain("HikariPool")
                        .doesNotContain("Started all channels");
                List<String> lines = err.lines().toList();
                assertThat(lines).isNotEmpty();
                if (format.equals("text")) {
                    assertThat(lines).allMatch(l -> TEXT_LOG.matcher(l).matches(), "one text line per record");
                    assertThat(lines).anyMatch(l -> l.matches(".*Z INFO +AdminApi: created account \\d+"));
                } else {
                    List<JsonNode> records = new ArrayList<>();
                    for (String l : lines) {
                        JsonNode record = JSON.readTree(l);
                        assertThat(record.path("time").asText()).as(l).isNotEmpty();
                        assertThat(record.path("level").asText()).as(l).isNotEmpty();
                        records.add(record);
                    }
                    assertThat(records)
                            .anyMatch(r -> r.path("logger").asText().endsWith(".AdminApi")
                                    && r.path("message").asText().startsWith("created account "));
                }
            }
        }
        Run bad = solvegate(copy, Map.of("SOLVEGATE_LOG_FORMAT", "xml"), List.of("serve"));
        assertThat(bad.exit).isEqualTo(2);
        assertThat(bad.err).contains("SOLVEGATE_LOG_FORMAT").contains("xml");
    }

    @Test
    void theDemoKeepsItsOwnDataAndTheReadmeFirstStepsWorkAfterIt() throws Exception {
        Map<String, String> demoEnv = new HashMap<>();
        for (String v : List.of("SOLVEGATE_PORT", "SOLVEGATE_ADMIN_PORT", "SOLVEGATE_DEMO_SITE_PORT")) {
            demoEnv.put(v, "0");
        }
        demoEnv.put("SOLVEGATE_DEMO_PROXY_PORT", "0");
        try (Node demo = Node.start(copy, demoEnv, temp, "demo", "solvegate demo: ready")) {
            assertThat(demo.out()).contains("data/demo");
        }
        assertThat(copy.resolve("data/demo/demo.json")).exists();
        assertThat(copy.resolve("data/admin-token")).doesNotExist();

        Map<String, String> env = new HashMap<>();
        int port = freePort();
        env.put("SOLVEGATE_PORT", Integer.toString(port));
        env.put("SOLVEGATE_ADMIN_PORT", Integer.toString(freePort()));
        try (Node serve = Node.start(copy, env, temp, "serve")) {
            assertThat(copy.resolve("data/admin-token")).exists();
            // what ran before: an account the README's steps must not act on
            assertThat(solvegate(copy, env, List.of("admin", "account", "create", "--name", "earlier")).exit)
                    .isZero();
            Map<String, String> values = new HashMap<>();
            for (String step : readmeFirstSteps()) {
                if (step.startsWith("./solvegate serve")) {
                    continue;
                }
                String line = fill(step, values).replace("localhost:8080", "localhost:" + port);
                Run r = run(copy, env, Duration.ofMinutes(1), "bash", "-c", line);
                assertThat(r.exit).as(r.toString()).isZero();
                JsonNode reply = JSON.readTree(r.out);
                if (step.contains("account create")) {
                    values.put("<id>", reply.path("id").asText());
                } else if (step.contains("key create")) {
                    values.put("<key>", reply.path("clientKey").asText());
                } else if (step.contains("/createTask")) {
                    assertThat(reply.path("errorId").asInt())
                            .as(reply.toString())
                            .isZero();
                    values.put("<taskId>", reply.path("taskId").asText());
                } else if (step.contains("/getTaskResult")) {
                    JsonNode[] result = {reply};
                    await("the README's task to be ready")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> {
                                if (!"ready".equals(result[0].path("status").asText())) {
                                    result[0] = JSON.readTree(
                                            run(copy, env, Duration.ofMinutes(1), "bash", "-c", line).out);
                                }
                                return "ready".equals(result[0].path("status").asText());
                            });
                    assertThat(result[0].path("solution").path("token").asText())
                            .isNotEmpty();
                }
            }
            assertThat(values).containsKeys("<id>", "<key>", "<taskId>");
            assertThat(values.get("<id>"))
                    .as("the README's account is a new one")
                    .isNotEqualTo("1");
            Run shown = solvegate(copy, env, List.of("admin", "account", "show", values.get("<id>")));
            assertThat(JSON.readTree(shown.out).path("name").asText()).isEqualTo("acme");
            assertThat(JSON.readTree(shown.out).path("balance").asText()).startsWith("9.99");
            assertThat(serve.err()).doesNotContain("Exception");
        }
        String readme = Files.readString(copy.resolve("README.md"));
        assertThat(readme)
                .as("README says the test solver does not use the example's proxy")
                .containsPattern("`test` solver[^.]*never connects to the task's proxy");
    }

    @Test
    void theAdminCliElsewhereSaysWhereItLookedForTheToken() throws Exception {
        Path data = Files.createTempDirectory(temp, "admin");
        Map<String, String> env = nodeEnv(data);
        try (Node node = Node.start(copy, env, data, "serve")) {
            Path elsewhere = Files.createTempDirectory(temp, "elsewhere");
            Map<String, String> noDataDir = new HashMap<>(env);
            noDataDir.remove("SOLVEGATE_DATA_DIR");
            Run r = run(
                    elsewhere, noDataDir, Duration.ofMinutes(1), copy + "/solvegate", "admin", "account", "show", "1");
            assertThat(r.exit).as(r.toString()).isEqualTo(1);
            assertThat(r.err)
                    .contains(elsewhere.toRealPath().resolve("data/admin-token").toString())
                    .contains("SOLVEGATE_ADMIN_TOKEN")
                    .contains("SOLVEGATE_DATA_DIR");

            Files.createDirectories(elsewhere.resolve("data"));
            Files.writeString(elsewhere.resolve("data/admin-token"), "not-the-node-s-token\n");
            Run wrong = run(
                    elsewhere, noDataDir, Duration.ofMinutes(1), copy + "/solvegate", "admin", "account", "show", "1");
            assertThat(wrong.exit).isEqualTo(1);
            assertThat(wrong.err)
                    .contains("HTTP 401")
                    .contains("read from " + elsewhere.toRealPath().resolve("data/admin-token"))
                    .contains("SOLVEGATE_DATA_DIR");

            Map<String, String> withDataDir = new HashMap<>(noDataDir);
            withDataDir.put("SOLVEGATE_DATA_DIR", data.toString());
            assertThat(run(elsewhere, withDataDir, Duration.ofMinutes(1), copy + "/solvegate", "admin", "intake", "on")
                            .exit)
                    .isZero();
            assertThat(node.err()).contains("intake on");
        }
    }

    @Test
    void readmeCommandsWorkWhereTheDefaultJavaIs17() throws Exception {
        Path jdk17 = olderJdk();
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", jdk17.toString());
        env.put("PATH", jdk17.resolve("bin") + ":" + System.getenv("PATH"));
        // as a newcomer's: without the flag ./solvegate adds for JDK 25 (the build running this test may have it)
        env.put(
                "MAVEN_OPTS",
                System.getenv()
                        .getOrDefault("MAVEN_OPTS", "")
                        .replace("--sun-misc-unsafe-memory-access=allow", "")
                        .strip());
        Run mvn = run(copy, env, Duration.ofMinutes(1), "mvn", "-B", "-q", "-v");
        assertThat(mvn.exit)
                .as("plain mvn on JDK 17 in the repository: %s", mvn)
                .isZero();
        assertThat(mvn.err + mvn.out).doesNotContain("Unrecognized option");

        Path source = copy.resolve("server/src/main/java/dev/solvegate/server/Main.java");
        String before = Files.readString(source);
        FileTime unchanged = Files.getLastModifiedTime(source);
        Files.writeString(
                source,
                before.replace(
                        "public static void main(String[] args) {", "public static void main(String[] args)   {"));
        Run format = run(copy, env, Duration.ofMinutes(3), "./solvegate", "format");
        assertThat(format.exit).as(format.toString()).isZero();
        assertThat(format.err + format.out).doesNotContain("Unrecognized option");
        assertThat(Files.readString(source)).isEqualTo(before);
        Files.setLastModifiedTime(source, unchanged); // so that the other tests need no rebuild
    }

    // --- helpers

    private static List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(copy.resolve("server/target"))) {
            return files.filter(p -> p.toString().endsWith(".jsa")).toList();
        }
    }

    /** Where {@code --version}'s JVM loaded the Main class from, per {@code -Xlog:class+load}. */
    private static String mainLoadedFrom() throws Exception {
        Path log = Files.createTempFile(temp, "classes", ".log");
        Run r = run(
                copy,
                Map.of("SOLVEGATE_JAVA_OPTS", "-Xlog:class+load=info:file=" + log),
                Duration.ofMinutes(1),
                "./solvegate",
                "--version");
        assertThat(r.exit).as(r.toString()).isZero();
        return Files.readAllLines(log).stream()
                .filter(l -> l.contains(" dev.solvegate.server.Main source: "))
                .findFirst()
                .orElseThrow();
    }

    /** README's Configuration table: each variable and the first word of its default. */
    static Map<String, String> readmeConfiguration() throws IOException {
        String readme = Files.readString(copy.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Configuration"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        Map<String, String> table = new HashMap<>();
        for (String row :
                section.lines().filter(l -> l.startsWith("| `SOLVEGATE_")).toList()) {
            String[] cells = row.split("\\|");
            List<String> names = new ArrayList<>();
            Matcher m = Pattern.compile("`(SOLVEGATE_[A-Z_]+)`").matcher(cells[1]);
            while (m.find()) {
                names.add(m.group(1));
            }
            String[] defaults = cells[2].strip().split(" / ");
            for (int i = 0; i < names.size(); i++) {
                String d = defaults.length == names.size() ? defaults[i] : names.size() == 1 ? defaults[0] : null;
                table.put(names.get(i), d == null ? "" : firstWord(d));
            }
        }
        return table;
    }

    private static String firstWord(String text) {
        return text.strip().split("[ ,:(]")[0].replace("`", "");
    }

    /** The commands of README's "First steps" block, continuation lines joined, comments dropped. */
    static List<String> readmeFirstSteps() throws IOException {
        String readme = Files.readString(copy.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## First steps"));
        int start = section.indexOf("```\n") + 4;
        String block = section.substring(start, section.indexOf("\n```", start));
        List<String> steps = new ArrayList<>();
        for (String line : block.lines().toList()) {
            if (line.startsWith("./solvegate") || line.startsWith("curl")) {
                steps.add(line);
            } else {
                steps.set(steps.size() - 1, steps.getLast() + line.strip());
            }
        }
        return steps.stream().map(s -> s.replaceAll("\\s+#[^'\"]*$", "")).toList();
    }

    private static String fill(String step, Map<String, String> values) {
        String s = step;
        for (Map.Entry<String, String> e : values.entrySet()) {
            s = s.replace(e.getKey(), e.getValue());
        }
        assertThat(s)
                .as("every placeholder of %s filled from an earlier step's output", step)
                .doesNotContain("<");
        return s;
    }

    private static Map<String, String> nodeEnv(Path data) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("SOLVEGATE_DATA_DIR", data.toString());
        env.put("SOLVEGATE_PORT", Integer.toString(freePort()));
        env.put("SOLVEGATE_ADMIN_PORT", Integer.toString(freePort()));
        env.put("SOLVEGATE_DRAIN_GRACE", "200ms");
        return env;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A JDK older than 25 on this machine, as a newcomer's default java. */
    private static Path olderJdk() throws IOException {
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            List<Path> older = homes.filter(h -> Files.isExecutable(h.resolve("bin/java")))
                    .filter(h -> {
                        try {
                            String release = Files.readString(h.resolve("release"));
                            Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(release);
                            return m.find() && Integer.parseInt(m.group(1)) < 25;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .toList();
            if (Repo.ci()) {
                assertThat(older).as("a JDK older than 25 in /usr/lib/jvm").isNotEmpty();
            }
            assumeThat(older).as("a JDK older than 25 in /usr/lib/jvm").isNotEmpty();
            return older.getFirst();
        }
    }

    private static Run solvegate(Path dir, Map<String, String> env, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("./solvegate"));
        command.addAll(args);
        return run(dir, env, Duration.ofMinutes(1), command.toArray(String[]::new));
    }

    /** The result of one process. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Run run(Path dir, Map<String, String> env, Duration timeout, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SOLVEGATE_"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(temp, "out", ".txt");
        Path err = Files.createTempFile(temp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            Repo.stopTree(p, Duration.ofSeconds(5));
            throw new AssertionError("timed out: " + String.join(" ", command) + "\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A long-running {@code ./solvegate} command, started in the background and stopped with SIGTERM. */
    static final class Node implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        private Node(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        static Node start(Path dir, Map<String, String> env, Path logs, String command)
                throws IOException, InterruptedException {
            return start(
                    dir,
                    env,
                    logs,
                    command,
                    command.equals("demo") ? "solvegate demo: ready" : "solvegate: public API on");
        }

        static Node start(Path dir, Map<String, String> env, Path logs, String command, String readyLine)
                throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder("./solvegate", command).directory(dir.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("SOLVEGATE_"));
            pb.environment().putAll(env);
            Path out = Files.createTempFile(logs, command, ".out");
            Path err = Files.createTempFile(logs, command, ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Node node = new Node(pb.start(), out, err);
            try {
                await(command + " ready")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> node.out().contains(readyLine) || !node.process.isAlive());
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
            assertThat(node.process.isAlive())
                    .as("%s exited early:\n%s\n%s", command, node.out(), node.err())
                    .isTrue();
            return node;
        }

        String out() {
            return read(out);
        }

        String err() {
            return read(err);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                Repo.stopTree(process, Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** Copies what {@code git ls-files} lists as tracked or new and not ignored, with its current content. */
    private static void copyWorkingTree(Path root, Path target) throws IOException, InterruptedException {
        Process ls = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(root.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String listing = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ls.waitFor()).isZero();
        for (String name : listing.split("\0")) {
            Path from = root.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(from)) {
                continue; // deleted in the working tree
            }
            Path to = target.resolve(name);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
    }
}
