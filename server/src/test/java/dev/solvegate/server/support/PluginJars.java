package dev.solvegate.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.spi.Solver;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds plugin jars in tests from Java sources: compiled with the JDK's compiler against the SPI (and any
 * extra jars), packed with a manifest and, unless told otherwise, a service entry. Thread-safety: a builder
 * for one jar.
 */
public final class PluginJars {

    private final Map<String, String> sources = new java.util.LinkedHashMap<>();
    private final List<Path> classpath = new ArrayList<>();
    private final Manifest manifest = new Manifest();
    private String serviceEntry;

    private PluginJars() {
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Solvegate-Spi-Version", "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "1.0.0");
    }

    public static PluginJars plugin() {
        return new PluginJars();
    }

    /** A class of the plugin; the first one added is the service entry unless {@link #serviceEntry} says else. */
    public PluginJars source(String className, String code) {
        sources.put(className, code);
        if (serviceEntry == null) {
            serviceEntry = className;
        }
        return this;
    }

    /** The service entry's text; null for no entry at all. */
    public PluginJars serviceEntry(String text) {
        this.serviceEntry = text;
        return this;
    }

    /** A manifest attribute; a null value removes it. */
    public PluginJars manifest(String name, String value) {
        if (value == null) {
            manifest.getMainAttributes().remove(new Attributes.Name(name));
        } else {
            manifest.getMainAttributes().putValue(name, value);
        }
        return this;
    }

    /** Jars to compile against (they are not packed into the plugin). */
    public PluginJars compileAgainst(List<Path> jars) {
        classpath.addAll(jars);
        return this;
    }

    /** Compiles the sources and writes the jar to {@code jar}. */
    public Path writeTo(Path jar) throws IOException {
        Path work = Files.createTempDirectory("plugin-src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        for (var s : sources.entrySet()) {
            Path file = work.resolve("src").resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            files.add(file.toString());
        }
        List<String> cp = new ArrayList<>();
        cp.add(Path.of(codeSource(Solver.class)).toString());
        classpath.forEach(p -> cp.add(p.toString()));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of(
                "--release", "25", "-proc:none", "-cp", String.join(File.pathSeparator, cp), "-d", classes.toString()));
        args.addAll(files);
        int code = javac.run(null, null, null, args.toArray(String[]::new));
        assertThat(code).as("javac of the test plugin").isZero();
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream zip = new JarOutputStream(out, manifest);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(p));
                zip.closeEntry();
            }
            if (serviceEntry != null) {
                zip.putNextEntry(new JarEntry("META-INF/services/dev.solvegate.spi.Solver"));
                zip.write((serviceEntry + "\n").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    private static java.net.URI codeSource(Class<?> type) {
        try {
            return type.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A minimal solver's source: {@code id} returns {@code id}; solve answers {@code token}. */
    public static String solver(String pkg, String cls, String id, String constructorBody, String solveBody) {
        return """
                package %s;

                import dev.solvegate.spi.*;

                public final class %s implements Solver {
                    public %s() {
                        %s
                    }

                    @Override
                    public String id() {
                        return "%s";
                    }

                    @Override
                    public SolveResult solve(SolveTask task, SolveContext context) throws Exception {
                        %s
                    }
                }
                """.formatted(pkg, cls, cls, constructorBody, id, solveBody);
    }
}
