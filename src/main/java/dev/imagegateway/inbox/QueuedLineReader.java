package dev.imagegateway.inbox;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.gallery.ImageStore;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageFilenameBean;
import dev.imagegateway.spend.SpendTicket;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued inbox, a line's record consumed (on whichever instance Kafka gave its partition): claims the line in the shared
 * database, and makes it a {@link GenerationRequest} only when this instance holds it. A line done already, or failed,
 * is skipped (a record delivered again after a restart or a rebalance); a line another instance holds is waited for
 * until it is done or that instance's lease runs out. A line taken over keeps its image name: an image the stopped
 * instance had saved ends the line without a second call.
 */
public class QueuedLineReader implements Processor {

    /** Exchange property: the line in hand ({@link QueuedLine}). */
    public static final String LINE = "inboxQueuedLine";

    /** A line this instance holds: its batch, its number and text, which attempt this is. */
    public record QueuedLine(String batchId, String file, BatchLine line, String owner, int attempt, long started, boolean tooLong) {
    }

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** How often a line another instance holds is looked at again. */
    private static final Duration RECHECK = Duration.ofSeconds(2);

    private final InboxQueue queue;
    private final ImageFilenameBean names;
    private final ImageStore images;
    private final QueuedLineRecorder recorder;

    public QueuedLineReader(InboxQueue queue, ImageFilenameBean names, ImageStore images, QueuedLineRecorder recorder) {
        this.queue = queue;
        this.names = names;
        this.images = images;
        this.recorder = recorder;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        JsonNode record;
        try {
            String body = exchange.getMessage().getBody(String.class);
            record = body == null ? null : MAPPER.readTree(body);
        } catch (java.io.IOException notJson) {
            record = null;
        }
        String batchId = record == null ? null : record.path("batch").asText(null);
        int number = record == null ? 0 : record.path("line").asInt(0);
        String raw = record == null ? null : record.path("raw").asText(null);
        if (batchId == null || number < 1 || raw == null) {
            // not a record this gateway wrote: nothing to generate, nothing to hold the partition for
            LOG.warn("Inbox queue: a record that is not a batch line was skipped (offset {})",
                    exchange.getMessage().getHeader("kafka.OFFSET"));
            exchange.setProperty(InboxLineReader.SKIP, true);
            return;
        }
        exchange.setProperty(InboxQueueOpener.BATCH_ID, batchId);
        BatchLine line = record.has("too_long")
                ? BatchLine.unreadable(number, raw, "The line is " + record.path("too_long").asInt() + " characters; a queued inbox takes lines of at most "
                        + InboxQueueRecord.MAX_LINE_CHARS)
                : InboxFileParser.line(number, raw, record.path("json").asBoolean(false));
        String consumer = Thread.currentThread().getName();
        InboxQueue.Claim claim = queue.claim(batchId, number, consumer, names::nextStem);
        while (claim instanceof InboxQueue.Held held) {
            Duration wait = Duration.between(Instant.now(), held.until());
            LOG.debug("Inbox queue: line {} of batch {} is held by {}; looked at again", number, batchId, held.owner());
            Thread.sleep(Math.max(100, Math.min(wait.toMillis(), RECHECK.toMillis())));
            claim = queue.claim(batchId, number, consumer, names::nextStem);
        }
        if (claim instanceof InboxQueue.Finished) {
            exchange.setProperty(InboxLineReader.SKIP, true);
            return;
        }
        InboxQueue.Own own = (InboxQueue.Own) claim;
        QueuedLine queued = new QueuedLine(batchId, record.path("file").asText(""), line, own.owner(), own.attempt(),
                System.currentTimeMillis(), record.has("too_long"));
        exchange.setProperty(LINE, queued);
        exchange.setProperty(InboxLineReader.SKIP, true);
        if (own.attempt() > 1) {
            // the instance that held it stopped: if its image reached the store, the line is done
            String saved = savedImage(own.stem());
            if (saved != null) {
                ObjectNode outcome = InboxLineRecorder.succeeded(line, saved, 0).put("resumed", true);
                recorder.outcome(exchange, outcome, false, "already saved: " + saved);
                return;
            }
        }
        if (line.parseError() != null) {
            recorder.failWith(exchange, new GatewayException(ErrorKind.INVALID_ARGUMENT, line.parseError()));
            return;
        }
        exchange.setProperty(InboxLineReader.SKIP, false);
        exchange.setProperty(ImageFilenameBean.STEM, own.stem());
        // one ledger row per line, whichever instance and however many attempts it took
        exchange.setProperty(SpendTicket.LEDGER_ENTRY, new SpendTicket.LedgerEntry("inbox:" + batchId + ":" + number, own.attempt() > 1));
        exchange.getMessage().setBody(new GenerationRequest(line.prompt(), line.size(), "inbox", line.model(), null, line.options()));
    }

    /**
     * The line's image, when it and what it was made from were both saved (the metadata is written second: an image
     * without it is made again under the same name, so every image keeps its metadata).
     */
    private String savedImage(String stem) throws java.io.IOException {
        String name = images.savedUnder(stem);
        return name != null && images.readMetadata(name) != null ? name : null;
    }
}
