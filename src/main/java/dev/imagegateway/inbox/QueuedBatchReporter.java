package dev.imagegateway.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
        if (batchId == null) {
            return;
        }
        InboxQueue.BatchRow batch = queue.batch(batchId);
        if (batch == null || batch.finishedAt() != null) {
            return;
        }
        InboxQueue.Progress progress = queue.progress(batchId);
        if (progress.finished() < batch.total() || !queue.finishBatch(batchId)) {
            return;
        }
        long elapsed = System.currentTimeMillis() - batch.createdAt().toEpochMilli();
        BatchReport.write(inboxDir.resolve(".done"), batch.doneName(), batch.fileName(),
                new BatchReport.Totals(batch.total(), progress.failed(), progress.resumed(), elapsed), outcomes(batchId));
        LOG.info("Inbox {} done (batch {}): {} of {} prompts succeeded, {} failed, {} taken over from a stopped instance, in {} ms",
                LogText.token(batch.fileName()), batchId, batch.total() - progress.failed(), batch.total(), progress.failed(),
                progress.resumed(), elapsed);
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
