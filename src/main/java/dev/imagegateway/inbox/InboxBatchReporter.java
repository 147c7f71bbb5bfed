package dev.imagegateway.inbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a batch: writes {@code <file>.report.json} (every line and the totals) and, when lines failed,
 * {@code <file>.failed.txt} (or {@code .failed.jsonl}) with just those lines, ready to drop back into the inbox,
 * into {@code .done/} where the file consumer then moves the prompt file; the journal goes.
 */
public class InboxBatchReporter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path inboxDir;
    private final ActiveBatches active;

    public InboxBatchReporter(Path inboxDir, ActiveBatches active) {
        this.inboxDir = inboxDir;
        this.active = active;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Batch batch = exchange.getProperty(Batch.PROPERTY, Batch.class);
        String doneName = exchange.getMessage().getHeader(InboxBatchStarter.DONE_NAME, String.class);
        Path done = Files.createDirectories(inboxDir.resolve(".done"));
        List<ObjectNode> outcomes = batch.outcomes();
        List<BatchLine> failed = batch.failedLines();
        long elapsed = System.currentTimeMillis() - batch.startedAt();

        ObjectNode report = MAPPER.createObjectNode();
        report.put("file", batch.fileName());
        ObjectNode totals = report.putObject("totals");
        totals.put("lines", batch.total());
        totals.put("succeeded", batch.total() - failed.size());
        totals.put("failed", failed.size());
        totals.put("resumed", outcomes.stream().filter(o -> o.path("resumed").asBoolean(false)).count());
        totals.put("duration_ms", elapsed);
        ArrayNode lines = report.putArray("lines");
        outcomes.forEach(lines::add);
        Files.writeString(done.resolve(doneName + ".report.json"), MAPPER.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);

        if (!failed.isEmpty()) {
            String suffix = InboxFileParser.isJsonLines(batch.fileName()) ? ".failed.jsonl" : ".failed.txt";
            String retry = failed.stream().map(BatchLine::raw).collect(Collectors.joining("\n", "", "\n"));
            Files.writeString(done.resolve(doneName + suffix), retry, StandardCharsets.UTF_8);
        }
        batch.journal().delete();
        active.ended(batch.fileName());
        LOG.info("Inbox {} done: {} of {} prompts succeeded, {} failed, in {} ms", dev.imagegateway.ops.LogText.token(batch.fileName()),
                batch.total() - failed.size(), batch.total(), failed.size(), elapsed);
    }
}
