package dev.imagegateway.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Queued inbox, one line: the Kafka record that carries it, JSON {@code {"batch", "file", "line", "json", "raw"}} (the
 * line's own text, read again by whichever instance consumes it). Keyed by batch and line, so a batch's lines spread
 * over the topic's partitions, and a line sent twice lands where its first copy did.
 */
public class InboxQueueRecord implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The longest line queued as it is (well under Kafka's default 1 MB record); a longer one fails on its own. */
    static final int MAX_LINE_CHARS = 200_000;

    @Override
    public void process(Exchange exchange) {
        BatchLine line = exchange.getMessage().getBody(BatchLine.class);
        String batchId = exchange.getProperty(InboxQueueOpener.BATCH_ID, String.class);
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        ObjectNode record = MAPPER.createObjectNode().put("batch", batchId).put("file", file).put("line", line.number())
                .put("json", InboxFileParser.isJsonLines(file));
        if (line.raw().length() > MAX_LINE_CHARS) {
            // never a record too large for the topic, which would keep the whole file from being queued
            record.put("raw", line.raw().substring(0, 1000)).put("too_long", line.raw().length());
        } else {
            record.put("raw", line.raw());
        }
        exchange.getMessage().setHeader(KafkaConstants.KEY, batchId + ":" + line.number());
        exchange.getMessage().setBody(record.toString());
    }
}
