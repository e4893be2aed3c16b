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

    /**
     * The repository's root: the nearest directory at or above the working directory (the module's, when
     * Maven runs the tests) that holds {@code docs/errors.csv}. The walk stays inside this Maven project: it
     * stops at the first directory without a {@code pom.xml}, so it never reads a file outside the checkout.
     */
    static Path repoRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null && Files.isRegularFile(dir.resolve("pom.xml")); dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/errors.csv"))) {
                return dir;
            }
        }
        throw new AssertionError("docs/errors.csv not found in the Maven project at or above " + start);
    }

    /** The contract's error table, kept in the repository (code, HTTP status, category, retryable, description). */
    static Path contract() {
        return repoRoot().resolve("docs/errors.csv");
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

    /** The table in docs/API.md is the catalogue: every code once, in order, with all its columns. */
    @Test
    void apiDocTableIsTheCatalogueRowForRow() throws IOException {
        List<String> documented = Files.readAllLines(repoRoot().resolve("docs/API.md")).stream()
                .filter(line -> line.startsWith("| `ERROR_"))
                .toList();
        List<String> expected = Arrays.stream(ErrorCode.values())
                .map(c -> "| `" + c.name() + "` | " + c.httpStatus() + " | " + c.category() + " | "
                        + (c.retryable() ? "yes" : "no") + " | " + c.description() + " |")
                .toList();
        assertThat(documented).containsExactlyElementsOf(expected);
    }

    @Test
    void seedSpellingIsKept() {
        assertThat(ErrorCode.valueOf("ERROR_SERVICE_UNAVALIABLE").httpStatus()).isEqualTo(503);
    }

    private static String csv(String s) {
        return s.contains(",") ? "\"" + s + "\"" : s;
    }
}
