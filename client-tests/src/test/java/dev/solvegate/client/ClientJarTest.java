package dev.solvegate.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the client ships: Java 17 class files only, and Jackson's databind as its one dependency. */
class ClientJarTest {

    private static final Path BUILT = Path.of(System.getProperty("solvegate.client.jar", "../client/target/classes"));

    private static int major(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        assertThat(in.readInt()).isEqualTo(0xCAFEBABE);
        in.readUnsignedShort();
        return in.readUnsignedShort();
    }

    @Test
    void everyClassIsJava17Bytecode() throws IOException {
        List<Integer> majors = new ArrayList<>();
        if (Files.isDirectory(BUILT)) { // a build that stopped before package: the class folder
            try (Stream<Path> files = Files.walk(BUILT)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    try (InputStream in = Files.newInputStream(p)) {
                        majors.add(major(in));
                    }
                }
            }
        } else {
            try (JarFile jar = new JarFile(BUILT.toFile())) {
                assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                        .isEqualTo("dev.solvegate.client");
                for (var e :
                        jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                    try (InputStream in = jar.getInputStream(e)) {
                        majors.add(major(in));
                    }
                }
            }
        }
        assertThat(majors).hasSizeGreaterThan(10).containsOnly(61);
    }

    @Test
    void jacksonDatabindIsTheOnlyDependency() throws IOException {
        String pom = Files.readString(Path.of(System.getProperty("solvegate.root", ".."), "client", "pom.xml"));
        Matcher m = Pattern.compile("<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>")
                .matcher(pom);
        List<String> deps = new ArrayList<>();
        while (m.find()) {
            deps.add(m.group(1) + ":" + m.group(2));
        }
        assertThat(deps).containsExactly("com.fasterxml.jackson.core:jackson-databind");
    }
}
