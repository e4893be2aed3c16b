package dev.solvegate.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.ErrorCode;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** What every public reply to bad input must be: JSON, a success or one catalogue error, never a 500. */
public final class CatalogueReplies {

    private static final Set<String> CODES =
            Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());

    private CatalogueReplies() {}

    /** Asserts that {@code r}, the answer to {@code input}, is a success or a catalogue error. */
    public static void assertCatalogue(TestNode.Reply r, String input) {
        String about = "reply " + r.status() + " " + r.raw() + " to " + abbreviate(input);
        assertThat(r.status()).as(about).isLessThan(500);
        JsonNode json = r.json();
        assertThat(json).as(about).isNotNull();
        assertThat(json.isObject()).as(about).isTrue();
        if (json.path("errorId").asInt(-1) == 0) {
            assertThat(r.status()).as(about).isEqualTo(200);
        } else {
            assertThat(json.path("errorId").asInt()).as(about).isEqualTo(1);
            assertThat(CODES).as(about).contains(json.path("errorCode").asText());
            assertThat(json.path("errorDescription").asText()).as(about).isNotBlank();
        }
        assertThat(r.raw()).as(about).doesNotContain("Exception").doesNotContain("\tat ");
    }

    public static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }
}
