package dev.imagegateway.inbox;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A finished batch's files in {@code .done/}: {@code <name>.report.json} (totals, then every line's outcome in line
 * order) and, when lines failed, {@code <name>.failed.txt} (or {@code .failed.jsonl}) with just those lines, ready to
 * drop back into the inbox. Written as a stream from outcomes given in line order, never all held.
 */
final class BatchReport {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A report's totals. */
    record Totals(int lines, int failed, int resumed, long durationMs) {
    }

    private BatchReport() {
    }

    /** @param outcomes each line's outcome as Batch records it (with {@link Batch#FAILED} and {@link Batch#RAW} when it failed) */
    static void write(Path done, String doneName, String fileName, Totals totals, Iterator<ObjectNode> outcomes) throws IOException {
        Files.createDirectories(done);
        String failedSuffix = InboxFileParser.isJsonLines(fileName) ? ".failed.jsonl" : ".failed.txt";
        try (JsonGenerator report = MAPPER.getFactory().createGenerator(Files.newOutputStream(done.resolve(doneName + ".report.json")));
             BufferedWriter retry = totals.failed() == 0 ? null : Files.newBufferedWriter(done.resolve(doneName + failedSuffix), StandardCharsets.UTF_8)) {
            report.useDefaultPrettyPrinter();
            report.writeStartObject();
            report.writeStringField("file", fileName);
            report.writeObjectFieldStart("totals");
            report.writeNumberField("lines", totals.lines());
            report.writeNumberField("succeeded", totals.lines() - totals.failed());
            report.writeNumberField("failed", totals.failed());
            report.writeNumberField("resumed", totals.resumed());
            report.writeNumberField("duration_ms", totals.durationMs());
            report.writeEndObject();
            report.writeArrayFieldStart("lines");
            while (outcomes.hasNext()) {
                ObjectNode outcome = outcomes.next();
                if (outcome.remove(Batch.FAILED) != null && retry != null) {
                    retry.write(outcome.path(Batch.RAW).asText());
                    retry.write('\n');
                }
                outcome.remove(Batch.RAW);
                report.writeTree(outcome);
            }
            report.writeEndArray();
            report.writeEndObject();
        }
    }
}
