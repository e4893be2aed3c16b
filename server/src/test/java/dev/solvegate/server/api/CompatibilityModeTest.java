package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code SOLVEGATE_ERROR_STATUS=200}: errors keep their body and Retry-After but travel with HTTP 200. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class CompatibilityModeTest {

    @Parameter
    TestDatabase database;

    @Test
    void everyErrorIsSentWithStatus200() {
        try (TestNode node = TestNode.start(database, Map.of("SOLVEGATE_ERROR_STATUS", "200"))) {
            Reply unknownKey = node.post("/createTask", Fixture.body("nope"));
            assertThat(unknownKey.status()).isEqualTo(200);
            assertThat(unknownKey.errorCode()).isEqualTo("ERROR_KEY_DOES_NOT_EXIST");

            node.adminOk("PUT", "/admin/service", TestNode.obj().put("acceptingTasks", false));
            Reply off = node.post("/createTask", Fixture.body("nope"));
            assertThat(off.status()).isEqualTo(200);
            assertThat(off.errorCode()).isEqualTo("ERROR_SERVICE_UNAVALIABLE");
            assertThat(off.headers().firstValue("Retry-After")).hasValue("30");

            // the metrics still tell the errors apart, although all travelled with 200; a request is counted
            // once its reply is written, so the client may read the reply before the count
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                            node.adminAs(null, "GET", "/metrics", null).raw())
                    .contains("solvegate_http_requests_seconds_count{code=\"ERROR_KEY_DOES_NOT_EXIST\","
                            + "method=\"createTask\",status=\"200\"} 1")
                    .contains("solvegate_http_requests_seconds_count{code=\"ERROR_SERVICE_UNAVALIABLE\","
                            + "method=\"createTask\",status=\"200\"} 1"));
        }
    }
}
