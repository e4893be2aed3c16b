package dev.solvegate.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    /** The contract file lives in ../shared beside the checkout. */
    static Path contract() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/contract/errors.csv");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(
                "shared/contract/errors.csv not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void catalogueMatchesTheContractRowForRow() throws IOException {
        List<String> lines = Files.readAllLines(contract());
        assertThat(lines.getFirst()).isEqualTo("code,http,category,retryable,description");
        List<String> expected = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                expected.add(line);
            }
        }
        List<String> actual = Arrays.stream(ErrorCode.values())
                .map(c -> String.join(
                        ",",
                        c.name(),
                        Integer.toString(c.httpStatus()),
                        c.category(),
                        Boolean.toString(c.retryable()),
                        csv(c.description())))
                .toList();
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(ErrorCode.values()).hasSize(35);
    }

    @Test
    void apiDocListsEveryCodeWithItsStatus() throws IOException {
        Path doc = Path.of("").toAbsolutePath().getParent().resolve("docs/API.md"); // tests run in server/
        String text = Files.readString(doc);
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(text).contains("| `" + c.name() + "` | " + c.httpStatus() + " | ");
        }
    }

    @Test
    void seedSpellingIsKept() {
        assertThat(ErrorCode.valueOf("ERROR_SERVICE_UNAVALIABLE").httpStatus()).isEqualTo(503);
    }

    private static String csv(String s) {
        return s.contains(",") ? "\"" + s + "\"" : s;
    }
}
