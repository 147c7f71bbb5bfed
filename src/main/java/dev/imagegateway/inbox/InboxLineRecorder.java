package dev.imagegateway.inbox;


import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.ErrorMapper;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbox door, outbound, per line: records the line's outcome in the batch, logs {@code n/total}, and, for a line
 * that produced an image, writes it to the journal once the image is on disk, so a restart never makes it again.
 */
public class InboxLineRecorder {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    private final dev.imagegateway.ops.GatewayMetrics metrics;

    public InboxLineRecorder(dev.imagegateway.ops.GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    public void succeed(Exchange exchange) {
        Batch batch = exchange.getProperty(Batch.PROPERTY, Batch.class);
        BatchLine line = exchange.getProperty(InboxLineReader.LINE, BatchLine.class);
        GeneratedImage image = exchange.getMessage().getBody(GeneratedImages.class).first();
        long duration = System.currentTimeMillis() - exchange.getProperty(InboxLineReader.STARTED, Long.class);
        if (!image.isSaved()) {
            // the journal names only images on disk
            failWith(exchange, new GatewayException(ErrorKind.INTERNAL, "The image was generated but could not be saved"));
            return;
        }
        batch.journal().recordDone(line.number(), image.filename(), duration);
        ObjectNode outcome = succeeded(line, image.filename(), duration);
        metrics.inboxLine("OK");
        metrics.request("inbox", "-", "OK", duration * 1_000_000);
        log(batch, line, batch.record(line, outcome, false), image.filename());
        // the line is recorded: its image need not stay in memory until the whole file is done
        exchange.getMessage().setBody(null);
    }

    public void fail(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        failWith(exchange, ErrorMapper.map(failure));
    }

    void failWith(Exchange exchange, GatewayException error) {
        Batch batch = exchange.getProperty(Batch.PROPERTY, Batch.class);
        BatchLine line = exchange.getProperty(InboxLineReader.LINE, BatchLine.class);
        long duration = System.currentTimeMillis() - exchange.getProperty(InboxLineReader.STARTED, Long.class);
        ObjectNode outcome = failed(line, error, duration);
        metrics.inboxLine(error.kind().grpcCode().name());
        metrics.request("inbox", "-", error.kind().grpcCode().name(), duration * 1_000_000);
        log(batch, line, batch.record(line, outcome, true), "failed: " + error.kind().grpcCode() + " - " + error.getMessage());
        exchange.getMessage().setBody(null);
    }

    void log(Batch batch, BatchLine line, int finished, String result) {
        LOG.info("Inbox {} {}/{} (line {}): {}", dev.imagegateway.ops.LogText.token(batch.fileName()), finished, batch.total(), line.number(),
                dev.imagegateway.ops.LogText.escaped(result));
    }

    /** A line's entry in the report when it made its image. */
    static ObjectNode succeeded(BatchLine line, String filename, long durationMs) {
        return outcome(line).put("status", "OK").put("filename", filename).put("duration_ms", durationMs);
    }

    /** A line's entry in the report when it failed. */
    static ObjectNode failed(BatchLine line, GatewayException error, long durationMs) {
        return outcome(line).put("status", error.kind().grpcCode().name()).put("http_status", error.kind().httpStatus())
                .put("error", error.getMessage()).put("duration_ms", durationMs);
    }

    static ObjectNode outcome(BatchLine line) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("line", line.number());
        if (line.prompt() != null) {
            node.put("prompt", line.prompt());
        }
        return node;
    }
}
