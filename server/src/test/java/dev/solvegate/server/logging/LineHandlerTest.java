package dev.solvegate.server.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The record formats of {@link LineHandler}; the whole set-up is tested through the launcher (e2e LauncherTest). */
class LineHandlerTest {

    private static final LineHandler HANDLER = new LineHandler();

    private static LogRecord record(Level level, String message, Throwable thrown, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("com.example.pool.PoolThing");
        r.setInstant(Instant.parse("2026-12-01T08:00:00.123456Z"));
        r.setParameters(params);
        r.setThrown(thrown);
        return r;
    }

    private static Throwable nested() {
        try {
            try {
                throw new IOException("socket\nclosed");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read", e);
            }
        } catch (UncheckedIOException e) {
            return e;
        }
    }

    @Test
    void textIsTimeLevelShortLoggerAndMessageOnOneLine() {
        assertThat(HANDLER.text(record(Level.INFO, "created account {0}", null, 7)))
                .isEqualTo("2026-12-01T08:00:00.123Z INFO    PoolThing: created account 7");
        assertThat(HANDLER.text(record(Level.INFO, "two\nlines", null))).endsWith("PoolThing: two\\nlines");
    }

    @Test
    void aThrowableBelowWarningIsNamedWithoutItsStack() {
        String line = HANDLER.text(record(Level.INFO, "retrying", nested()));
        assertThat(line)
                .endsWith(" -- java.io.UncheckedIOException: cannot read")
                .doesNotContain(" @ ");
    }

    @Test
    void aThrowableAtWarningGetsACompactStackWithItsCausesOnTheSameLine() {
        String line = HANDLER.text(record(Level.WARNING, "failed", nested()));
        assertThat(line).doesNotContain("\n");
        assertThat(line)
                .contains(" -- java.io.UncheckedIOException: cannot read @ LineHandlerTest.nested:")
                .contains("; caused by java.io.IOException: socket closed @ LineHandlerTest.nested:");
        assertThat(line.split(" < ")).hasSizeLessThanOrEqualTo(2 * Stacks.FRAMES);
    }

    @Test
    void jsonIsOneObjectWithEscapedFields() throws Exception {
        String line = HANDLER.json(record(Level.SEVERE, "say \"{0}\"\tnow", nested(), "hi"));
        assertThat(line).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("time").asText()).isEqualTo("2026-12-01T08:00:00.123Z");
        assertThat(json.path("level").asText()).isEqualTo("SEVERE");
        assertThat(json.path("logger").asText()).isEqualTo("com.example.pool.PoolThing");
        assertThat(json.path("message").asText()).isEqualTo("say \"hi\"\tnow");
        assertThat(json.path("error").asText()).isEqualTo("java.io.UncheckedIOException: cannot read");
        assertThat(json.path("stack").asText()).contains("caused by java.io.IOException");
    }

    @Test
    void onlyTextAndJsonAreFormats() {
        assertThat(Logs.format(null)).isEqualTo(Logs.Format.TEXT);
        assertThat(Logs.format(" JSON ")).isEqualTo(Logs.Format.JSON);
        assertThatThrownBy(() -> Logs.format("xml")).hasMessage("SOLVEGATE_LOG_FORMAT: must be text or json: xml");
    }
}
