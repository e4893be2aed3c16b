package dev.solvegate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In-flight capacity: one node on the embedded database with {@code -Xmx1g} and
 * {@code SOLVEGATE_WORKERS=target}, {@code target} tasks on the hour-long {@code test} template created from
 * 32 parallel clients, then, once {@code solvegate_workers_busy} reaches the target, the live heap after a
 * full GC ({@code jcmd GC.run}, {@code GC.heap_info}) and the process's RSS.
 */
final class InFlight {

    /**
     * @param solving tasks solving at once when measured
     * @param createPerSecond createTask rate while filling
     * @param heapMiB heap used after a full GC
     * @param rssMiB resident set size of the node process
     */
    record Result(int target, int solving, double createPerSecond, double heapMiB, double rssMiB, double fillSeconds) {}

    private InFlight() {}

    static Result run(Path jar, Path dir, int target) throws Exception {
        try (ServerNode node = ServerNode.start(
                "inflight", jar, dir, List.of("-Xmx1g"), Map.of("SOLVEGATE_WORKERS", Integer.toString(target)))) {
            Fixture f = Fixture.setUp(node);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 32; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (next.getAndIncrement() < target) {
                        try {
                            JsonNode r =
                                    node.call("createTask", Fixture.createTask(f.balanceKey(), Fixture.HOLD, null));
                            if (r.path("taskId").asLong() == 0) {
                                refused.incrementAndGet();
                            }
                        } catch (IOException | InterruptedException e) {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread t : clients) {
                t.join();
            }
            double createSeconds = (System.nanoTime() - t0) / 1e9;
            int solving = 0;
            long until = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < until) {
                solving = (int) node.metric("solvegate_workers_busy");
                if (solving >= target - refused.get()) {
                    break;
                }
                Thread.sleep(250);
            }
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            jcmd(node.proc.pid(), "GC.run");
            String heap = jcmd(node.proc.pid(), "GC.heap_info");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(heap);
            double heapMiB = m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
            Result r = new Result(
                    target,
                    solving,
                    (target - refused.get()) / createSeconds,
                    heapMiB,
                    node.proc.rssMiB(),
                    fillSeconds);
            node.proc.kill();
            return r;
        }
    }

    static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Proc.jdkTool("jcmd"), Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
