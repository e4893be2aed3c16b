package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.support.OpenApiCheck;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /openapi.json} and {@code GET /admin/openapi.json}: OpenAPI 3.1 documents of each listener with
 * every method and every catalogue code under its status; and the check every test's replies go through
 * ({@link OpenApiCheck}) refuses replies that do not match them.
 */
class OpenApiTest {

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(TestDatabase.H2, Map.of());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static JsonNode publicDoc() {
        Reply r = node.get("/openapi.json", Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return r.json();
    }

    @Test
    void thePublicDocumentHasEveryMethod() {
        JsonNode doc = publicDoc();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        Set<String> paths = new HashSet<>();
        doc.get("paths").properties().forEach(e -> paths.add(e.getKey()));
        assertThat(paths)
                .containsExactlyInAnyOrder(
                        "/createTask",
                        "/getTaskResult",
                        "/getTaskResult/{taskId}",
                        "/getBalance",
                        "/getTasks",
                        "/getSpending",
                        "/cancelTask",
                        "/reportIncorrect",
                        "/reportIncorrectTokenCaptcha",
                        "/reportCorrect",
                        "/getQueueStats",
                        "/openapi.json",
                        "/healthz",
                        "/readyz");
        assertThat(doc.at("/info/x-error-catalogue")).hasSize(ErrorCode.values().length);
    }

    @Test
    void everyCatalogueCodeIsDocumentedUnderItsStatusAndOnlyThere() {
        JsonNode doc = publicDoc();
        Set<String> documented = new HashSet<>();
        doc.get("paths").properties().forEach(path -> path.getValue()
                .properties()
                .forEach(op -> op.getValue().path("responses").properties().forEach(response -> {
                    int status = Integer.parseInt(response.getKey());
                    JsonNode schema = response.getValue().at("/content/application~1json/schema");
                    JsonNode codes = status == 200
                            ? schema.at("/oneOf/1/properties/errorCode/enum")
                            : schema.at("/properties/errorCode/enum");
                    codes.forEach(c -> {
                        ErrorCode code = ErrorCode.valueOf(c.asText());
                        if (status != 200) {
                            assertThat(code.httpStatus())
                                    .as("%s %s %s", op.getKey(), path.getKey(), code)
                                    .isEqualTo(status);
                        }
                        documented.add(code.name());
                    });
                })));
        Set<String> all = new HashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            all.add(c.name());
        }
        assertThat(documented).isEqualTo(all);
        // Retry-After is named on the statuses of retryable codes
        assertThat(doc.at("/paths/~1createTask/post/responses/503/headers/Retry-After")
                        .isObject())
                .isTrue();
        assertThat(doc.at("/paths/~1createTask/post/responses/400/headers").isMissingNode())
                .isTrue();
    }

    @Test
    void theAdminDocumentNeedsTheTokenAndHasEveryRoute() {
        assertThat(node.adminAs(null, "GET", "/admin/openapi.json", null).status())
                .isEqualTo(401);
        JsonNode doc = node.adminOk("GET", "/admin/openapi.json", null);
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        for (String path : List.of(
                "/admin/accounts",
                "/admin/accounts/{id}",
                "/admin/accounts/{id}/credits",
                "/admin/accounts/{id}/webhook-secret",
                "/admin/accounts/{id}/packages",
                "/admin/packages/{id}",
                "/admin/accounts/{id}/keys",
                "/admin/keys/{id}",
                "/admin/templates/{publicKey}",
                "/admin/service",
                "/admin/accounts/{id}/tasks",
                "/admin/accounts/{id}/ledger",
                "/admin/templates",
                "/admin/stats",
                "/admin/solvers",
                "/metrics",
                "/healthz",
                "/readyz")) {
            assertThat(doc.get("paths").has(path)).as(path).isTrue();
        }
        assertThat(doc.at("/paths/~1admin~1accounts~1{id}/patch/requestBody/content/application~1json/schema/$ref")
                        .asText())
                .isEqualTo("#/components/schemas/AccountPatch");
    }

    private static Reply reply(int status, String body, Map<String, List<String>> headers) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        return new Reply(status, HttpHeaders.of(headers, (a, b) -> true), body, json);
    }

    @Test
    void theCheckRefusesRepliesThatDoNotMatch() {
        var pub = OpenApiCheck.Listener.PUBLIC;
        // these match
        node.checked(pub, "POST", "/createTask", reply(200, "{\"errorId\":0,\"taskId\":7}", Map.of()));
        node.checked(
                pub,
                "POST",
                "/getTaskResult/",
                reply(
                        504,
                        "{\"errorId\":1,\"errorCode\":\"ERROR_TASK_TIMEOUT\",\"errorDescription\":\"x\","
                                + "\"taskId\":3,\"status\":\"failed\"}",
                        Map.of()));
        node.checked(pub, "POST", "/no/such/route", reply(418, "teapot", Map.of()));
        // these do not
        assertThatThrownBy(() -> node.checked(pub, "POST", "/createTask", reply(200, "{\"errorId\":0}", Map.of())))
                .isInstanceOf(OpenApiCheck.Mismatch.class)
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> node.checked(pub, "POST", "/createTask", reply(418, "{}", Map.of())))
                .hasMessageContaining("status not documented");
        assertThatThrownBy(() -> node.checked(
                        pub,
                        "POST",
                        "/getTaskResult",
                        reply(
                                404,
                                "{\"errorId\":1,\"errorCode\":\"ERROR_TEMPLATE_NOT_FOUND\",\"errorDescription\":\"x\"}",
                                Map.of())))
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> node.checked(
                        pub,
                        "POST",
                        "/createTask",
                        reply(
                                400,
                                "{\"errorId\":1,\"errorCode\":\"ERROR_MISSING_PROXY\",\"errorDescription\":\"x\"}",
                                Map.of("Retry-After", List.of("5")))))
                .hasMessageContaining("Retry-After");
        assertThatThrownBy(() -> node.checked(
                        pub,
                        "GET",
                        "/getTaskResult/5",
                        reply(200, "{\"errorId\":0,\"status\":\"ready\",\"solution\":{}}", Map.of())))
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> node.checked(
                        OpenApiCheck.Listener.ADMIN,
                        "GET",
                        "/admin/accounts/1",
                        reply(200, "{\"id\":1,\"name\":\"a\"}", Map.of())))
                .hasMessageContaining("does not match");
    }
}
