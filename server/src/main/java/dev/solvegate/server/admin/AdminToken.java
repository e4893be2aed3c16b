package dev.solvegate.server.admin;

import dev.solvegate.server.config.Config;
import dev.solvegate.server.store.DataDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin bearer token: {@code SOLVEGATE_ADMIN_TOKEN} when set, else the one kept in
 * {@code <data>/admin-token}, or a new one. A new token is only kept (and announced) once the node has
 * started, so a node that fails to start leaves no token behind that nobody was shown. Thread-safety:
 * stateless.
 */
public final class AdminToken {

    /** @param token the token; @param generated whether it was made just now (so it must be kept and shown) */
    public record Resolved(String token, boolean generated) {}

    private AdminToken() {}

    public static Path file(Path dataDir) {
        return dataDir.resolve("admin-token");
    }

    /** The configured or kept token, or a new one not yet written anywhere. */
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin token at " + file, e);
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return new Resolved(HexFormat.of().formatHex(bytes), true);
    }

    /** Writes a generated token to the data folder, readable by its owner only from the moment it exists. */
    public static void keep(Config config, String token) {
        Path file = file(config.dataDir());
        try {
            DataDir.prepare(config.dataDir());
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system: the folder's own permissions protect it
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("another node wrote " + file + " meanwhile; start again to use it", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token at " + file, e);
        }
    }
}
