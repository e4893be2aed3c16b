package dev.solvegate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (closed loop: each connection sends its next request when the previous answer arrived) with
 * {@code bench/wrk/post.lua}. Against two nodes, one wrk per node runs at the same time with half the
 * connections each; rates add up and the worse of the two latencies is kept.
 *
 * <p>Latency is wrk's: the time from sending a request to its answer on a connection, at saturation. It is
 * service time under load, not corrected for coordinated omission (wrk2's -R mode would be; wrk2 is not in
 * Debian).
 */
final class Wrk {

    private static final Pattern RESULT = Pattern.compile(
            "BENCH-RESULT requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) max_us=(\\d+) non2xx=(\\d+) socket_errors=(\\d+)");

    private final Path script;
    private final Path workDir;

    Wrk(Path script, Path workDir) {
        this.script = script;
        this.workDir = workDir;
    }

    /**
     * Loads {@code baseUrls} (one per node) on {@code path} with {@code bodies} in turn for {@code seconds}.
     */
    Load run(List<String> baseUrls, String path, List<String> bodies, int connections, int seconds)
            throws IOException, InterruptedException {
        Path bodyFile = Files.createTempFile(workDir, "bodies", ".txt");
        Files.write(bodyFile, bodies, StandardCharsets.UTF_8);
        int perNode = Math.max(1, connections / baseUrls.size());
        int threads = baseUrls.size() == 1 ? 2 : 1;
        List<Process> running = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String base : baseUrls) {
            Path out = Files.createTempFile(workDir, "wrk", ".out");
            ProcessBuilder pb = new ProcessBuilder(
                            "wrk",
                            "-t" + threads,
                            "-c" + perNode,
                            "-d" + seconds + "s",
                            "--timeout",
                            "10s",
                            "-s",
                            script.toString(),
                            base)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(Map.of("BENCH_PATH", path, "BENCH_BODIES", bodyFile.toString()));
            running.add(pb.start());
            outputs.add(out);
        }
        double rate = 0;
        double p50 = 0;
        double p99 = 0;
        long count = 0;
        long errors = 0;
        for (int i = 0; i < running.size(); i++) {
            running.get(i).waitFor();
            String text = Files.readString(outputs.get(i));
            Matcher m = RESULT.matcher(text);
            if (!m.find()) {
                throw new IOException("wrk printed no result:\n" + text);
            }
            long requests = Long.parseLong(m.group(1));
            rate += requests / (Long.parseLong(m.group(2)) / 1e6);
            p50 = Math.max(p50, Long.parseLong(m.group(3)) / 1000.0);
            p99 = Math.max(p99, Long.parseLong(m.group(4)) / 1000.0);
            count += requests;
            errors += Long.parseLong(m.group(6)) + Long.parseLong(m.group(7));
        }
        return new Load(rate, p50, p99, count, errors);
    }

    /** A load whose every reply was counted by status and catalogue code ({@code bench/wrk/codes.lua}). */
    record Counted(Load load, Map<String, Long> replies) {}

    private static final Pattern CODE = Pattern.compile("(?m)^BENCH-CODE (.+)\\|(\\d+)$");

    /**
     * Loads {@code baseUrl} on {@code path} with {@code bodies} in turn for {@code seconds} through {@code script}
     * (which counts replies, {@code bench/wrk/codes.lua}), with {@code connections} connections over 2 threads;
     * wrk's connection timeout is {@code timeoutSeconds}.
     */
    Counted counted(
            Path script,
            String baseUrl,
            String path,
            List<String> bodies,
            int connections,
            int seconds,
            int timeoutSeconds)
            throws IOException, InterruptedException {
        Path bodyFile = Files.createTempFile(workDir, "bodies", ".txt");
        Files.write(bodyFile, bodies, StandardCharsets.UTF_8);
        Path out = Files.createTempFile(workDir, "wrk", ".out");
        ProcessBuilder pb = new ProcessBuilder(
                        "wrk",
                        "-t2",
                        "-c" + connections,
                        "-d" + seconds + "s",
                        "--timeout",
                        timeoutSeconds + "s",
                        "-s",
                        script.toString(),
                        baseUrl)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(Map.of("BENCH_PATH", path, "BENCH_BODIES", bodyFile.toString()));
        pb.start().waitFor();
        String text = Files.readString(out);
        Matcher m = RESULT.matcher(text);
        if (!m.find()) {
            throw new IOException("wrk printed no result:\n" + text);
        }
        long requests = Long.parseLong(m.group(1));
        Load load = new Load(
                requests / (Long.parseLong(m.group(2)) / 1e6),
                Long.parseLong(m.group(3)) / 1000.0,
                Long.parseLong(m.group(4)) / 1000.0,
                requests,
                Long.parseLong(m.group(6)) + Long.parseLong(m.group(7)));
        Map<String, Long> replies = new java.util.TreeMap<>();
        Matcher c = CODE.matcher(text);
        while (c.find()) {
            replies.put(c.group(1), Long.parseLong(c.group(2)));
        }
        long sockets = Long.parseLong(m.group(7));
        if (sockets > 0) {
            replies.put("socket errors (connect, read, write, timeout)", sockets);
        }
        return new Counted(load, replies);
    }
}
