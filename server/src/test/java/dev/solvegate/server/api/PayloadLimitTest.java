package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.RawHttp;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public listener reads request bodies of at most 1 MiB. The bodies here are valid createTask calls padded
 * with an unknown field (ignored), so a body that is read creates a task and answers 200.
 */
class PayloadLimitTest {

    private static final int LIMIT = 1 << 20;

    private static Fixture fx;
    private static String key;

    @BeforeAll
    static void start() {
        fx = new Fixture(TestNode.start(TestDatabase.H2, Map.of()));
        long account = fx.node.account(100, "0.001");
        fx.node.credit(account, "100");
        key = fx.node.key(account);
    }

    @AfterAll
    static void stop() {
        fx.node.close();
    }

    /** A valid createTask body for the fixture's key, padded to exactly {@code size} bytes. */
    private static byte[] paddedBody(int size) {
        ObjectNode body = Fixture.body(key).put("pad", "");
        int room = size - body.toString().length();
        byte[] bytes = body.put("pad", "x".repeat(room)).toString().getBytes(StandardCharsets.UTF_8);
        assertThat(bytes).hasSize(size);
        return bytes;
    }

    /**
     * The server answers 413 once it reads the length, then closes: a client still sending may see the 413 or
     * only the closed connection. Both are a refusal; a 200 (or any other status) means the body was taken.
     */
    @Test
    void bodyOverOneMebibyteIsRefusedAndCreatesNothing() {
        long before = fx.taskCount();

        int status = RawHttp.post(fx.node.node().port(), "/createTask", paddedBody(LIMIT + 1));

        assertThat(status).as("413 or closed before the body was taken").isIn(413, RawHttp.CLOSED);
        assertThat(fx.taskCount()).isEqualTo(before);
    }

    @Test
    void bodyOfExactlyOneMebibyteIsRead() {
        long before = fx.taskCount();

        int status = RawHttp.post(fx.node.node().port(), "/createTask", paddedBody(LIMIT));

        assertThat(status).isEqualTo(200);
        assertThat(fx.taskCount()).isEqualTo(before + 1);
    }
}
