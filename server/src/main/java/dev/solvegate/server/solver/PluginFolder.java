package dev.solvegate.server.solver;

import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SpiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads the plugins of {@code SOLVEGATE_PLUGINS}: every {@code *.jar} in the folder, with the jars of the
 * sub-folder named like it (without {@code .jar}) as its dependencies, each in a class loader of its own whose
 * parent is {@link SpiOnlyClassLoader}, so a plugin sees the SPI and the JDK and none of the server's
 * libraries (its own Jackson cannot clash with the server's).
 *
 * <p>Design note: loading is all or nothing. Anything wrong (a file that is not a jar, a folder without its
 * jar, no or an incompatible {@code Solvegate-Spi-Version}, no service entry, a provider that cannot be
 * created, a bad or taken id) throws {@link PluginFailure} naming the jar and the reason, and the node does
 * not start: a node quietly missing a solver would fail that solver's tasks one by one instead.
 *
 * <p>Thread-safety: stateless.
 */
final class PluginFolder {

    static final String SERVICE_ENTRY = "META-INF/services/" + Solver.class.getName();
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private PluginFolder() {}

    /**
     * Loads every plugin in {@code dir}, sorted by file name, after the {@code taken} solvers (the built-in
     * ones), whose ids plugins may not reuse.
     *
     * @throws PluginFailure on the first plugin that cannot load
     */
    static List<LoadedSolver> load(Path dir, List<LoadedSolver> taken, ClassLoader server) {
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("SOLVEGATE_PLUGINS: cannot list " + dir, e);
        }
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (Files.isDirectory(p) && !Files.isRegularFile(dir.resolve(name + ".jar"))) {
                throw new PluginFailure(
                        name + "/", "a folder that belongs to no plugin (expected " + name + ".jar beside it)");
            }
            if (!Files.isDirectory(p) && !name.endsWith(".jar")) {
                throw new PluginFailure(name, "not a jar (a plugin is a .jar file)");
            }
        }
        List<LoadedSolver> all = new ArrayList<>(taken);
        for (Path jar : entries) {
            if (!Files.isDirectory(jar)) {
                all.addAll(loadJar(jar, all, server));
            }
        }
        return List.copyOf(all.subList(taken.size(), all.size()));
    }

    private static List<LoadedSolver> loadJar(Path jar, List<LoadedSolver> taken, ClassLoader server) {
        String name = jar.getFileName().toString();
        Manifest manifest;
        try (JarFile file = new JarFile(jar.toFile())) {
            manifest = file.getManifest();
            if (file.getEntry(SERVICE_ENTRY) == null) {
                throw new PluginFailure(name, "no service entry " + SERVICE_ENTRY);
            }
        } catch (IOException e) {
            throw new PluginFailure(name, "not a jar (" + e.getMessage() + ")");
        }
        Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
        SpiVersion spi = spiVersion(name, main.getValue(SpiVersion.MANIFEST_ATTRIBUTE));
        String version = main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        URLClassLoader loader = new URLClassLoader("plugin " + name, urls(jar, name), new SpiOnlyClassLoader(server));
        boolean ok = false;
        try {
            List<LoadedSolver> loaded = new ArrayList<>();
            Iterator<Solver> providers =
                    ServiceLoader.load(Solver.class, loader).iterator();
            while (next(name, providers)) {
                Solver solver = create(name, providers);
                String id = id(name, solver);
                for (LoadedSolver other : concat(taken, loaded)) {
                    if (other.id().equals(id)) {
                        throw new PluginFailure(name, "solver id \"" + id + "\" is already taken by " + other.jar());
                    }
                }
                loaded.add(new LoadedSolver(solver, name, version == null ? "unknown" : version, spi));
            }
            if (loaded.isEmpty()) {
                throw new PluginFailure(name, "its service entry " + SERVICE_ENTRY + " names no solver");
            }
            ok = true;
            return loaded;
        } finally {
            if (!ok) {
                try {
                    loader.close();
                } catch (IOException e) {
                    // failing anyway
                }
            }
        }
    }

    private static SpiVersion spiVersion(String jar, String text) {
        if (text == null) {
            throw new PluginFailure(
                    jar,
                    "no " + SpiVersion.MANIFEST_ATTRIBUTE + " in its manifest (the SPI version it was built for;"
                            + " this server provides " + SpiVersion.CURRENT + ")");
        }
        SpiVersion v;
        try {
            v = SpiVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PluginFailure(jar, SpiVersion.MANIFEST_ATTRIBUTE + ": " + e.getMessage());
        }
        if (!SpiVersion.CURRENT.canLoad(v)) {
            throw new PluginFailure(
                    jar,
                    "built for SPI " + v + ", but this server provides " + SpiVersion.CURRENT + " (it loads "
                            + SpiVersion.CURRENT.major() + ".0 to " + SpiVersion.CURRENT + ")");
        }
        return v;
    }

    /** The jar, then the jars of its dependency folder, sorted. */
    private static URL[] urls(Path jar, String name) {
        Path deps = jar.resolveSibling(name.substring(0, name.length() - ".jar".length()));
        List<Path> paths = new ArrayList<>(List.of(jar));
        if (Files.isDirectory(deps)) {
            try (Stream<Path> list = Files.list(deps)) {
                list.filter(p -> p.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .forEach(paths::add);
            } catch (IOException e) {
                throw new PluginFailure(name, "cannot list its dependency folder " + deps.getFileName() + "/: " + e);
            }
        }
        try {
            URL[] urls = new URL[paths.size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = paths.get(i).toUri().toURL();
            }
            return urls;
        } catch (MalformedURLException e) {
            throw new PluginFailure(name, "cannot name it as a URL: " + e.getMessage());
        }
    }

    private static boolean next(String jar, Iterator<Solver> providers) {
        try {
            return providers.hasNext();
        } catch (ServiceConfigurationError e) {
            throw new PluginFailure(jar, "its service entry is wrong: " + describe(e));
        }
    }

    private static Solver create(String jar, Iterator<Solver> providers) {
        try {
            return providers.next();
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new PluginFailure(jar, "cannot create its solver: " + describe(e));
        }
    }

    private static String id(String jar, Solver solver) {
        String id;
        try {
            id = solver.id();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginFailure(jar, solver.getClass().getName() + ".id() threw " + describe(e));
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new PluginFailure(
                    jar,
                    "solver id must be lower case [a-z0-9][a-z0-9._-]{0,63}: \"" + id + "\" ("
                            + solver.getClass().getName() + ")");
        }
        return id;
    }

    /** The error and its causes, one line: {@code message: Cause: message …}. */
    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(
                e instanceof ServiceConfigurationError
                        ? String.valueOf(e.getMessage())
                        : e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            s.append(": ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return s.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    private static List<LoadedSolver> concat(List<LoadedSolver> a, List<LoadedSolver> b) {
        List<LoadedSolver> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
