package dev.imagegateway.inbox;

import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued inbox (KAFKA_BOOTSTRAP), a file picked up: the same checks as a local batch, then its batch in the shared
 * database (the file's unfinished batch again after a restart), and its lines as the body, read one at a time as the
 * splitter sends each to the topic.
 */
public class InboxQueueOpener implements Processor {

    /** Exchange property: the batch's id in the shared database. */
    public static final String BATCH_ID = "inboxQueueBatch";

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    private final Path inboxDir;
    private final InboxQueue queue;
    private final long maxFileBytes;
    private final InboxQueueTopic topic;

    public InboxQueueOpener(Path inboxDir, InboxQueue queue, long maxFileBytes, InboxQueueTopic topic) {
        this.inboxDir = inboxDir;
        this.queue = queue;
        this.maxFileBytes = maxFileBytes;
        this.topic = topic;
    }

    @Override
    public void process(Exchange exchange) throws java.io.IOException {
        String name = InboxBatchStarter.readable(exchange, maxFileBytes);
        if (!topic.ready()) {
            // not a file's fault: it waits in .retry/ (InboxQueueRetryLater)
            throw new IllegalStateException("Kafka topic " + topic.topic() + " is not ready");
        }
        Path file = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        InboxFileScan.Result scan = InboxFileScan.scan(file, name);
        String doneName = InboxBatchStarter.doneName(inboxDir, name);
        String batchId = queue.open(scan.key(), name, doneName, InboxFileParser.isJsonLines(name), scan.prompts());
        exchange.setProperty(BATCH_ID, batchId);
        exchange.getMessage().setHeader(InboxBatchStarter.DONE_NAME, doneName);
        exchange.getMessage().setBody(InboxFileParser.open(file, name));
        LOG.info("Inbox {}: {} prompts, queued as batch {}", dev.imagegateway.ops.LogText.token(name), scan.prompts(), batchId);
    }
}
