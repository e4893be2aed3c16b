package dev.solvegate.server.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How reads are gathered into statements: what is asked while a statement is on its way goes in the next one,
 * each id once, at most {@link TaskReads#MAX_IDS} a statement; a failed statement fails just the reads it carried.
 * The statement here is a function that records what it was asked and can be held (the reads against the
 * databases themselves: {@code api.ReadViewTest}).
 */
class TaskReadsTest {

    /** Tasks with even ids exist, each its own account; odd ids have no row. */
    private static Map<Long, Tasks.Owned> rows(Collection<Long> ids) {
        Map<Long, Tasks.Owned> out = new HashMap<>();
        for (long id : ids) {
            if (id % 2 == 0) {
                out.put(id, new Tasks.Owned(id * 10, null));
            }
        }
        return out;
    }

    private static List<CompletableFuture<Optional<Tasks.Owned>>> readAll(TaskReads reads, long... ids) {
        List<CompletableFuture<Optional<Tasks.Owned>>> out = new ArrayList<>();
        for (long id : ids) {
            CompletableFuture<Optional<Tasks.Owned>> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    f.complete(reads.read(id));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            out.add(f);
        }
        return out;
    }

    @Test
    void readsAskedDuringAStatementGoTogetherInTheNextEachIdOnce() throws Exception {
        List<List<Long>> statements = new CopyOnWriteArrayList<>();
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskReads reads = new TaskReads(ids -> {
            statements.add(List.copyOf(ids));
            if (statements.size() == 1) {
                firstHeld.countDown();
                hold(release);
            }
            return rows(ids);
        });

        List<CompletableFuture<Optional<Tasks.Owned>>> first = readAll(reads, 2);
        assertThat(firstHeld.await(5, TimeUnit.SECONDS)).isTrue();
        long[] asked = new long[60];
        for (int i = 0; i < asked.length; i++) {
            asked[i] = 100 + i % 20; // 20 ids, each asked three times
        }
        List<CompletableFuture<Optional<Tasks.Owned>>> later = readAll(reads, asked);
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.waiting() == asked.length);
        release.countDown();

        assertThat(first.get(0).get(5, TimeUnit.SECONDS))
                .map(Tasks.Owned::accountId)
                .contains(20L);
        for (int i = 0; i < asked.length; i++) {
            Optional<Tasks.Owned> got = later.get(i).get(5, TimeUnit.SECONDS);
            if (asked[i] % 2 == 0) {
                assertThat(got).map(Tasks.Owned::accountId).contains(asked[i] * 10);
            } else {
                assertThat(got).isEmpty();
            }
        }
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0)).containsExactly(2L);
        assertThat(statements.get(1)).hasSize(20).doesNotHaveDuplicates();
        assertThat(reads.statements()).isEqualTo(2);
    }

    @Test
    void aStatementTakesAtMostMaxIds() throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskReads reads = new TaskReads(ids -> {
            sizes.add(ids.size());
            if (sizes.size() == 1) {
                firstHeld.countDown();
                hold(release);
            }
            return rows(ids);
        });
        List<CompletableFuture<Optional<Tasks.Owned>>> all = new ArrayList<>(readAll(reads, 0));
        assertThat(firstHeld.await(5, TimeUnit.SECONDS)).isTrue();
        long[] many = new long[TaskReads.MAX_IDS + 500];
        for (int i = 0; i < many.length; i++) {
            many[i] = 1_000 + i;
        }
        all.addAll(readAll(reads, many));
        await().atMost(Duration.ofSeconds(10)).until(() -> reads.waiting() == many.length);
        release.countDown();
        for (CompletableFuture<Optional<Tasks.Owned>> f : all) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(sizes).containsExactly(1, TaskReads.MAX_IDS, 500);
    }

    @Test
    void aFailedStatementFailsItsReadsAndTheNextOneRuns() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException down = new IllegalStateException("database unavailable");
        TaskReads reads = new TaskReads(ids -> {
            if (calls.incrementAndGet() == 1) {
                throw down;
            }
            return rows(ids);
        });

        assertThat(catchThrowable(() -> reads.read(4))).isSameAs(down);
        assertThat(reads.read(4)).map(Tasks.Owned::accountId).contains(40L);
        assertThat(reads.read(5)).isEmpty();
        assertThat(calls).hasValue(3);
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
