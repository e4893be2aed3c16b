package dev.solvegate.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The client's retryable codes are exactly the catalogue's ({@code docs/errors.csv}, column retryable). */
class RetryableCodesTest {

    @Test
    void theClientRetriesExactlyTheCataloguesRetryableCodes() throws Exception {
        Path csv = Path.of(System.getProperty("solvegate.root", ".."), "docs", "errors.csv");
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows.get(0)).isEqualTo("code,http,category,retryable,description");
        Set<String> retryable = rows.stream()
                .skip(1)
                .map(row -> row.split(","))
                .filter(cols -> cols[3].equals("true"))
                .map(cols -> cols[0])
                .collect(Collectors.toSet());
        assertThat(rows).hasSize(36); // 35 codes
        assertThat(Retryable.CODES).isEqualTo(retryable);
    }
}
