package dev.solvegate.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a running demo offers, as written to {@code <data>/demo.json}: where the APIs, the site and the proxy are,
 * the demo client key, the puzzle site's keys and one public key per {@code test} outcome.
 *
 * <p>Thread-safety: immutable.
 *
 * @param testTemplates outcome ({@code token}, {@code unsolvable}, …) to the public key of its template
 */
record DemoFacts(
        String apiBase,
        String adminBase,
        String adminToken,
        String clientKey,
        String websitePublicKey,
        String websiteURL,
        String websiteSubdomain,
        String proxy,
        String verifyUrl,
        String sitePrivateKey,
        Map<String, String> testTemplates) {

    static final String FILE = "demo.json";

    DemoFacts {
        testTemplates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(testTemplates));
    }

    ObjectNode toJson() {
        ObjectNode o = Json.MAPPER
                .createObjectNode()
                .put("apiBase", apiBase)
                .put("adminBase", adminBase)
                .put("adminToken", adminToken)
                .put("clientKey", clientKey)
                .put("websitePublicKey", websitePublicKey)
                .put("websiteURL", websiteURL)
                .put("websiteSubdomain", websiteSubdomain)
                .put("proxy", proxy)
                .put("verifyUrl", verifyUrl)
                .put("sitePrivateKey", sitePrivateKey);
        ObjectNode templates = o.putObject("testTemplates");
        testTemplates.forEach(templates::put);
        return o;
    }

    /** Writes the facts to {@code file}, readable by its owner only (it holds the admin token and the site key). */
    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.writeString(
                tmp,
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n",
                StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data folder's own permissions protect it
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** What a previous run left in {@code file}; fields absent or unreadable come back empty. */
    static JsonNode readPrevious(Path file) {
        if (!Files.isRegularFile(file)) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return node != null && node.isObject() ? node : Json.MAPPER.createObjectNode();
        } catch (IOException e) {
            System.err.println("solvegate demo: ignoring unreadable " + file + " ("
                    + e.getClass().getSimpleName() + ")");
            return Json.MAPPER.createObjectNode();
        }
    }
}
