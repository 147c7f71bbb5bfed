package dev.imagegateway.inbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.ErrorMapper;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.ops.GatewayMetrics;
import dev.imagegateway.ops.LogText;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued inbox, a line's outcome: made from the generation's answer or failure (the same entry a local batch's report
 * has), then written to the line's row in the shared database by {@link #record}, a step of its own so that a database
 * away is waited for (the route's error handler tries it again) without turning a generated image into a failure.
 */
public class QueuedLineRecorder {

    /** Exchange property: the line's outcome, waiting to be recorded. */
    static final String OUTCOME = "inboxQueuedOutcome";

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    private final InboxQueue queue;
    private final GatewayMetrics metrics;

    public QueuedLineRecorder(InboxQueue queue, GatewayMetrics metrics) {
        this.queue = queue;
        this.metrics = metrics;
    }

    /** Record of what happened, until {@link #record} writes it. */
    record Outcome(ObjectNode entry, boolean failed, String status, String summary) {
    }

    public void succeed(Exchange exchange) {
        QueuedLineReader.QueuedLine queued = exchange.getProperty(QueuedLineReader.LINE, QueuedLineReader.QueuedLine.class);
        GeneratedImage image = exchange.getMessage().getBody(GeneratedImages.class).first();
        if (!image.isSaved()) {
            failWith(exchange, new GatewayException(ErrorKind.INTERNAL, "The image was generated but could not be saved"));
            return;
        }
        long duration = System.currentTimeMillis() - queued.started();
        ObjectNode entry = InboxLineRecorder.succeeded(queued.line(), image.filename(), duration);
        if (queued.attempt() > 1) {
            entry.put("resumed", true);
        }
        outcome(exchange, entry, false, image.filename());
        exchange.getMessage().setBody(null);
    }

    public void fail(Exchange exchange) {
        failWith(exchange, ErrorMapper.map(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }

    void failWith(Exchange exchange, GatewayException error) {
        QueuedLineReader.QueuedLine queued = exchange.getProperty(QueuedLineReader.LINE, QueuedLineReader.QueuedLine.class);
        long duration = System.currentTimeMillis() - queued.started();
        ObjectNode entry = InboxLineRecorder.failed(queued.line(), error, duration);
        entry.put(Batch.FAILED, true).put(Batch.RAW, queued.tooLong()
                ? "# line " + queued.line().number() + " was too long to queue (see the report)" : queued.line().raw());
        outcome(exchange, entry, true, "failed: " + error.kind().grpcCode() + " - " + error.getMessage());
        exchange.getMessage().setBody(null);
    }

    void outcome(Exchange exchange, ObjectNode entry, boolean failed, String summary) {
        String status = entry.path("status").asText();
        exchange.setProperty(OUTCOME, new Outcome(entry, failed, status, summary));
    }

    /** Writes the line's outcome to its row (the route tries again while the database is away). */
    public void record(Exchange exchange) {
        QueuedLineReader.QueuedLine queued = exchange.getProperty(QueuedLineReader.LINE, QueuedLineReader.QueuedLine.class);
        Outcome outcome = exchange.getProperty(OUTCOME, Outcome.class);
        if (queued == null || outcome == null) {
            return;
        }
        boolean ours = queue.finish(queued.batchId(), queued.line().number(), queued.owner(), queued.attempt(), outcome.failed(),
                outcome.entry().toString());
        exchange.removeProperty(OUTCOME);
        if (!ours) {
            // taken over meanwhile (this instance was away longer than the lease): the new holder's outcome stands
            LOG.warn("Inbox batch {} line {}: taken over by another instance before this one finished it",
                    queued.batchId(), queued.line().number());
            return;
        }
        long duration = System.currentTimeMillis() - queued.started();
        metrics.inboxLine(outcome.status());
        metrics.request("inbox", "-", outcome.status(), duration * 1_000_000);
        LOG.info("Inbox {} (batch {}, line {}): {}", LogText.token(queued.file()), queued.batchId(), queued.line().number(),
                LogText.escaped(outcome.summary()));
    }
}
