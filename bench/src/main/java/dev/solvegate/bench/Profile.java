package dev.solvegate.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's {@code jdk.ExecutionSample} events: the share of samples whose stack passes
 * through each layer (inclusive: a sample counts once per layer it touches), the solvegate methods with the
 * largest inclusive share, and the hottest methods by self time.
 */
final class Profile {

    /** Layers by the class-name prefix of any frame on the stack. */
    private static final Map<String, List<String>> LAYERS = layers();

    private Profile() {}

    private static Map<String, List<String>> layers() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("HTTP server (Helidon)", List.of("io.helidon."));
        m.put("JSON (Jackson)", List.of("com.fasterxml.jackson."));
        m.put("JDBI", List.of("org.jdbi."));
        m.put("pool (HikariCP)", List.of("com.zaxxer.hikari."));
        m.put("H2", List.of("org.h2."));
        m.put("PostgreSQL driver", List.of("org.postgresql."));
        m.put("metrics (Micrometer)", List.of("io.micrometer."));
        m.put("SHA-256 / security providers", List.of("sun.security.", "java.security."));
        m.put("regex", List.of("java.util.regex."));
        m.put("solvegate code", List.of("dev.solvegate."));
        return m;
    }

    static String summarise(Path jfr, int top) throws IOException {
        int total = 0;
        Map<String, Integer> layer = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            total++;
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (!frames.isEmpty()) {
                self.merge(name(frames.get(0)), 1, Integer::sum);
            }
            Set<String> layersHit = new HashSet<>();
            Set<String> oursHit = new HashSet<>();
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                LAYERS.forEach((l, prefixes) -> {
                    if (prefixes.stream().anyMatch(type::startsWith)) {
                        layersHit.add(l);
                    }
                });
                if (type.startsWith("dev.solvegate.")) {
                    oursHit.add(name(f));
                }
            }
            layersHit.forEach(l -> layer.merge(l, 1, Integer::sum));
            oursHit.forEach(o -> ours.merge(o, 1, Integer::sum));
        }
        int n = Math.max(1, total);
        StringBuilder out = new StringBuilder("samples: " + total + "\n\nlayers (inclusive):\n");
        LAYERS.keySet()
                .forEach(l -> out.append(String.format("  %5.1f%%  %s%n", 100.0 * layer.getOrDefault(l, 0) / n, l)));
        out.append("\nsolvegate methods (inclusive):\n").append(topOf(ours, top, n));
        out.append("\nhottest methods (self):\n").append(topOf(self, top, n));
        return out.toString();
    }

    private static String topOf(Map<String, Integer> counts, int top, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .map(e -> String.format("  %5.1f%%  %s%n", 100.0 * e.getValue() / n, e.getKey()))
                .collect(Collectors.joining());
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }
}
