package dev.solvegate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.Main;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/** {@code solvegate admin …} against a real node: what it prints and how it exits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminCommandTest {

    private TestNode node;

    /** Exit code, stdout and stderr of one CLI run. */
    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Json.MAPPER.readTree(out);
        }
    }

    @BeforeAll
    void start() {
        node = TestNode.start(TestDatabase.H2, Map.of());
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private Run adminWithToken(String token, String... args) {
        List<String> all = new ArrayList<>(
                List.of("admin", "--url", "http://127.0.0.1:" + node.node().adminPort(), "--token", token));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    private Run admin(String... args) {
        return adminWithToken(TestNode.ADMIN_TOKEN, args);
    }

    @Test
    void anOperatorSetsUpAnAccountFromTheCommandLine() throws Exception {
        Run created = admin("account", "create", "--name", "acme", "--max-threads", "7", "--price", "0.002");
        assertThat(created.code()).as(created.err()).isZero();
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("maxThreads").asInt()).isEqualTo(7);

        assertThat(admin("credit", Long.toString(id), "2.5", "--reason", "wire")
                        .json()
                        .get("balance")
                        .asText())
                .isEqualTo("2.500000");
        Run pkg = admin(
                "package",
                "create",
                Long.toString(id),
                "--name",
                "p",
                "--threads",
                "2",
                "--hourly",
                "10",
                "--daily",
                "20",
                "--expires",
                "2099-01-01T00:00:00Z");
        long pkgId = pkg.json().get("id").asLong();
        assertThat(admin("package", "pause", Long.toString(pkgId))
                        .json()
                        .get("paused")
                        .asBoolean())
                .isTrue();
        Run key = admin("key", "create", Long.toString(id), "--package", Long.toString(pkgId));
        assertThat(key.json().get("clientKey").asText()).hasSize(32);
        assertThat(admin("key", "revoke", key.json().get("id").asText())
                        .json()
                        .get("revoked")
                        .asBoolean())
                .isTrue();
        assertThat(admin(
                                "template",
                                "set",
                                "3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11",
                                "--solver",
                                "test",
                                "--settings",
                                "{\"outcome\":\"token\"}")
                        .code())
                .isZero();
        assertThat(admin("account", "set", Long.toString(id), "--status", "suspended")
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("suspended");
        assertThat(admin("intake", "off").json().get("acceptingTasks").asBoolean())
                .isFalse();
        assertThat(admin("intake", "on").json().get("acceptingTasks").asBoolean())
                .isTrue();
    }

    @Test
    void refusalsExitOneWithTheApiMessage() {
        Run notFound = admin("account", "show", "987654");
        assertThat(notFound.code()).isEqualTo(1);
        assertThat(notFound.err()).contains("HTTP 404").contains("account not found: 987654");
        Run badInput = admin("credit", "1", "lots");
        assertThat(badInput.code()).isEqualTo(1);
        assertThat(badInput.err()).contains("HTTP 400").contains("amount");
        Run wrongToken = adminWithToken("wrong-token-wrong-token", "account", "show", "1");
        assertThat(wrongToken.code()).isEqualTo(1);
        assertThat(wrongToken.err()).contains("HTTP 401");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(admin("intake", "sideways").code()).isEqualTo(2);
        assertThat(admin(
                                "template",
                                "set",
                                "3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11",
                                "--solver",
                                "test",
                                "--settings",
                                "[1]")
                        .code())
                .isEqualTo(2);
        assertThat(admin("account", "create").code()).isEqualTo(2); // --name missing: picocli's usage error
    }
}
