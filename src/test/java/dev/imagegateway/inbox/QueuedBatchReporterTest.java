package dev.imagegateway.inbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two consumers finish a queued batch's last two lines at once, on one instance: both write the report aside, one marks
 * the batch finished and puts its report in place. The other, which lost, clears only what it wrote (a shared aside
 * folder had let it delete the winner's files before they were moved, and the report was lost; seen once in CI).
 */
class QueuedBatchReporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void twoConsumersFinishingTheLastLinesAtOnceLeaveOneWholeReport() throws Exception {
        Path inbox = Files.createTempDirectory("queued-report");
        CountDownLatch winnerMarking = new CountDownLatch(1);
        CountDownLatch loserDone = new CountDownLatch(1);
        AtomicBoolean marked = new AtomicBoolean();
        InboxQueue queue = new InboxQueue(null, Clock.systemUTC(), "test", 60_000) {
            @Override
            public BatchRow batch(String batchId) {
                return new BatchRow(batchId, "pair.txt", "pair.txt", false, 2, Instant.now().minusSeconds(5), null);
            }

            @Override
            public Progress progress(String batchId) {
                return new Progress(2, 1, 0);
            }

            @Override
            public boolean finishBatch(String batchId) {
                if (marked.compareAndSet(false, true)) {
                    winnerMarking.countDown();
                    try {
                        // the loser finishes (and clears up) before the winner moves its files into place
                        assertTrue(loserDone.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return true;
                }
                return false;
            }

            @Override
            public List<String> outcomes(String batchId, int offset, int limit) {
                return offset > 0 ? List.of() : List.of(
                        "{\"line\":1,\"prompt\":\"A fox\",\"status\":\"OK\",\"filename\":\"1_a.png\",\"duration_ms\":5}",
                        "{\"line\":2,\"status\":\"INVALID_ARGUMENT\",\"error\":\"bad\",\"duration_ms\":1,\"_failed\":true,\"_raw\":\"{\\\"prompt\\\": 42}\"}");
            }
        };
        QueuedBatchReporter reporter = new QueuedBatchReporter(inbox, queue);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> winner = pool.submit(() -> {
                reporter.finish("batch-1");
                return null;
            });
            assertTrue(winnerMarking.await(10, TimeUnit.SECONDS));
            pool.submit(() -> {
                reporter.finish("batch-1");
                return null;
            }).get(10, TimeUnit.SECONDS);
            loserDone.countDown();
            winner.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        Path done = inbox.resolve(".done");
        JsonNode report = JSON.readTree(Files.readString(done.resolve("pair.txt.report.json")));
        assertEquals(2, report.path("lines").size());
        assertEquals(1, report.at("/totals/failed").asInt());
        assertEquals("{\"prompt\": 42}\n", Files.readString(done.resolve("pair.txt.failed.txt")));
        try (Stream<Path> left = Files.list(done)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".writing-")).toList(),
                    "nothing left aside");
        }
    }
}
