package dev.solvegate.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data folder (the embedded database, the generated admin token): its owner's only. The folder is made (or
 * made again) {@code rwx------} before anything is written into it, so each file in it is out of other users'
 * reach from the moment it is created, whatever the process's umask; the files themselves are then set to
 * {@code rw-------} (the embedded database creates its own with the umask's permissions). On a file system
 * without POSIX permissions nothing is changed. Thread-safety: stateless.
 */
public final class DataDir {

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDir() {}

    /** Creates {@code dir} owner-only, or makes an existing one so. */
    public static void prepare(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                if (posix(dir)) {
                    Files.setPosixFilePermissions(dir, FOLDER);
                }
            } else if (posix(dir.toAbsolutePath().getParent())) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(FOLDER));
                Files.setPosixFilePermissions(dir, FOLDER); // createDirectories leaves an existing parent as it was
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data folder " + dir, e);
        }
    }

    /** Makes every file directly in {@code dir} owner-only (read and write). */
    public static void restrictFiles(Path dir) {
        if (!Files.isDirectory(dir) || !posix(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.setPosixFilePermissions(f, FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict the files of the data folder " + dir, e);
        }
    }

    private static boolean posix(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null
                && Files.getFileAttributeView(existing, java.nio.file.attribute.PosixFileAttributeView.class) != null;
    }
}
