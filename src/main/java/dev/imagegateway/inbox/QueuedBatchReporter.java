package dev.imagegateway.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.ops.LogText;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued inbox, after each line: when it was the batch's last (wherever the others ran), the one instance that marks the
 * batch finished writes its report and failed lines into its own {@code INBOX_DIR/.done/}, from the lines' rows in the
 * shared database; every instance serves the report from those rows too ({@code GET /api/batches?file=}).
 */
public class QueuedBatchReporter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int PAGE = 500;

    private final Path inboxDir;
    private final InboxQueue queue;

    public QueuedBatchReporter(Path inboxDir, InboxQueue queue) {
        this.inboxDir = inboxDir;
        this.queue = queue;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        String batchId = exchange.getProperty(InboxQueueOpener.BATCH_ID, String.class);
        if (batchId != null) {
            finish(batchId);
        }
    }

    /**
     * Each minute: batches whose every line is finished but that nobody marked finished (the instance that finished
     * the last line stopped before it wrote the report, or the database went away meanwhile).
     */
    public void finishStranded() throws IOException {
        for (String batchId : queue.unfinished(java.time.Instant.now().minusSeconds(60))) {
            finish(batchId);
        }
    }

    /** When every line of the batch is finished: its report, written by the one instance that marks it finished. */
    void finish(String batchId) throws IOException {
        InboxQueue.BatchRow batch = queue.batch(batchId);
        if (batch == null || batch.finishedAt() != null) {
            return;
        }
        InboxQueue.Progress progress = queue.progress(batchId);
        if (progress.finished() < batch.total()) {
            return;
        }
        long elapsed = System.currentTimeMillis() - batch.createdAt().toEpochMilli();
        // written aside first, and put in place only by the instance that marks the batch finished: a report is never
        // half there, and a batch is never marked finished without one
        Path done = inboxDir.resolve(".done");
        // its own folder: two consumers finishing a batch's last lines at once both write, one puts its report in place
        Path aside = done.resolve(".writing-" + batchId + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        try {
            BatchReport.write(aside, batch.doneName(), batch.fileName(),
                    new BatchReport.Totals(batch.total(), progress.failed(), progress.resumed(), elapsed), outcomes(batchId));
            if (!queue.finishBatch(batchId)) {
                return;
            }
            try (java.util.stream.Stream<Path> files = Files.list(aside)) {
                for (Path file : files.toList()) {
                    Files.move(file, done.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            deleteAside(aside);
        }
        LOG.info("Inbox {} done (batch {}): {} of {} prompts succeeded, {} failed, {} taken over from a stopped instance, in {} ms",
                LogText.token(batch.fileName()), batchId, batch.total() - progress.failed(), batch.total(), progress.failed(),
                progress.resumed(), elapsed);
    }

    private static void deleteAside(Path aside) throws IOException {
        if (Files.isDirectory(aside)) {
            try (java.util.stream.Stream<Path> files = Files.list(aside)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(aside);
        }
    }

    /** The batch's outcomes in line order, a page at a time from the database. */
    private Iterator<ObjectNode> outcomes(String batchId) {
        return new Iterator<>() {
            private int offset;
            private Iterator<String> page = List.<String>of().iterator();
            private boolean last;

            @Override
            public boolean hasNext() {
                if (!page.hasNext() && !last) {
                    List<String> rows = queue.outcomes(batchId, offset, PAGE);
                    offset += rows.size();
                    last = rows.size() < PAGE;
                    page = rows.iterator();
                }
                return page.hasNext();
            }

            @Override
            public ObjectNode next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    return (ObjectNode) MAPPER.readTree(page.next());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
