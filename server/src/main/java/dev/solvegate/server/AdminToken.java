package dev.solvegate.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin bearer token: {@code SOLVEGATE_ADMIN_TOKEN} when set, else the one kept in
 * {@code <data>/admin-token}, generated (and announced once) on the first start. Thread-safety: stateless.
 */
public final class AdminToken {

    /** @param token the token; @param generated whether it was made just now (so the caller prints it once) */
    public record Resolved(String token, boolean generated) {}

    private AdminToken() {}

    public static Path file(Path dataDir) {
        return dataDir.resolve("admin-token");
    }

    public static Resolved resolve(Config config) {
        if (config.adminToken() != null) {
            return new Resolved(config.adminToken(), false);
        }
        Path file = file(config.dataDir());
        try {
            if (Files.exists(file)) {
                return new Resolved(
                        Files.readString(file, StandardCharsets.UTF_8).strip(), false);
            }
            Files.createDirectories(config.dataDir());
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            String token = HexFormat.of().formatHex(bytes);
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own permissions protect it
            }
            return new Resolved(token, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the admin token at " + file, e);
        }
    }
}
