package dev.solvegate.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The repository these tests run in, and how they treat the processes they start. Thread-safety: stateless. */
final class Repo {

    private Repo() {}

    /** The repository root: {@code -Dsolvegate.root} (set by the e2e pom), else the parent of the working folder. */
    static Path root() {
        String configured = System.getProperty("solvegate.root");
        Path root = (configured != null ? Path.of(configured) : Path.of(".."))
                .toAbsolutePath()
                .normalize();
        if (!Files.isExecutable(root.resolve("solvegate"))) {
            throw new IllegalStateException("not the solvegate repository (no executable ./solvegate): " + root);
        }
        return root;
    }

    /**
     * Sources the {@code ./solvegate} launcher would find newer than {@code server/target/solvegate.jar} (the same
     * rule as its {@code stale()}, which leaves out {@code data/} and {@code examples/}), so that a test can refuse to start it rather than let it rebuild mid-test.
     */
    static List<Path> newerThanJar(Path root) {
        Path jar = root.resolve("server/target/solvegate.jar");
        if (!Files.isRegularFile(jar)) {
            return List.of(jar);
        }
        try (Stream<Path> files = Files.walk(root)) {
            FileTime built = Files.getLastModifiedTime(jar);
            Path data = root.resolve("data");
            Path examples = root.resolve("examples");
            return files.filter(p -> !p.startsWith(data) && !p.startsWith(examples))
                    .filter(p -> p.getFileName() != null
                            && (p.getFileName().toString().endsWith(".java")
                                    || p.getFileName().toString().equals("pom.xml")
                                    || root.relativize(p)
                                            .toString()
                                            .replace('\\', '/')
                                            .matches("(.*/)?src/main/resources/.+")))
                    .filter(p -> {
                        try {
                            return Files.getLastModifiedTime(p).compareTo(built) > 0;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .limit(5)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks a process and all its descendants to stop (SIGTERM), then kills what is still there after {@code grace}. */
    static void stopTree(Process process, Duration grace) throws InterruptedException {
        List<ProcessHandle> all = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .toList();
        all.forEach(ProcessHandle::destroy);
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            all.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(10, TimeUnit.SECONDS);
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Whether this is CI ({@code CI=true}), where missing tools fail a test instead of skipping it. */
    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
