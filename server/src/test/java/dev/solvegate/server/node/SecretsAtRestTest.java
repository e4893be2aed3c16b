package dev.solvegate.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.admin.AdminToken;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Secrets at rest: the data folder is its owner's only from the start (0700), and so are the embedded database
 * and the generated admin token in it (0600); a task's proxy credentials are in the database only while the task
 * runs, and never in a reply.
 */
class SecretsAtRestTest {

    private static final String PROXY = "http://secretuser:s3cretpass@127.0.0.1:9";

    @Test
    void theDataFolderAndEveryFileInItAreTheOwnersOnly() throws Exception {
        Path data = Files.createTempDirectory("solvegate-secrets").resolve("data");
        try (TestNode node = TestNode.start(
                Config.h2FileUrl(data),
                null,
                Map.of("SOLVEGATE_DATA_DIR", data.toString(), "SOLVEGATE_ADMIN_TOKEN", ""))) {
            assertThat(node.node().adminTokenGenerated()).isTrue();
            assertThat(Files.exists(AdminToken.file(data))).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                    .isEqualTo("rwx------");
            List<Path> files;
            try (Stream<Path> s = Files.list(data)) {
                files = s.toList();
            }
            assertThat(files).extracting(p -> p.getFileName().toString()).contains("solvegate.mv.db", "admin-token");
            for (Path f : files) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                        .as(f.toString())
                        .isEqualTo("rw-------");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void proxyCredentialsLeaveTheDatabaseWhenTheTaskEnds(TestDatabase database) {
        String url = database.freshUrl();
        try (TestNode node = TestNode.start(url, database.user(), Map.of("SOLVEGATE_PROXY_ALLOW_PRIVATE", "true"))) {
            long account = node.account(5, "0.001");
            node.credit(account, "1");
            String key = node.key(account);
            String hang = UUID.randomUUID().toString();
            node.template(hang, "test", "{\"outcome\":\"hang\"}");
            String token = UUID.randomUUID().toString();
            node.template(token, "test", "{\"outcome\":\"token\"}");
            Jdbi jdbi = node.node().database().jdbi();

            long running = create(node, key, hang);
            assertThat(request(jdbi, running))
                    .as("a running task needs its proxy")
                    .contains("s3cretpass");

            long done = create(node, key, token);
            JsonNode result = await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> node.post(
                                            "/getTaskResult",
                                            TestNode.obj().put("clientKey", key).put("taskId", done))
                                    .json(),
                            r -> r.path("status").asText().equals("ready"));
            assertThat(result.toString()).doesNotContain("s3cretpass").doesNotContain("secretuser");
            assertThat(request(jdbi, done))
                    .doesNotContain("s3cretpass")
                    .doesNotContain("secretuser")
                    .contains("\"proxy\":\"http://127.0.0.1:9\"");
        }
    }

    private static long create(TestNode node, String key, String pk) {
        var body = TestNode.obj().put("clientKey", key);
        body.putObject("task")
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/")
                .put("websitePublicKey", pk)
                .put("websiteSubdomain", "challenge.example.org")
                .put("proxy", PROXY);
        TestNode.Reply r = node.post("/createTask", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().path("taskId").asLong();
    }

    private static String request(Jdbi jdbi, long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT request FROM tasks WHERE id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .one());
    }
}
