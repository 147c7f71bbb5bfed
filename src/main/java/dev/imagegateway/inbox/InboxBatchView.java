package dev.imagegateway.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.rest.JsonResponses;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /api/batches}: the inbox at a glance, for the web console. Files waiting to be read, batches in
 * progress (lines finished and failed of total), the latest finished batches with their reports, and the latest
 * files refused with their reasons.
 */
public class InboxBatchView implements Processor {

    static final int RECENT = 20;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path inboxDir;
    private final boolean enabled;
    private final ActiveBatches active;

    public InboxBatchView(Path inboxDir, boolean enabled, ActiveBatches active) {
        this.inboxDir = inboxDir;
        this.enabled = enabled;
        this.active = active;
    }

    @Override
    public void process(Exchange exchange) {
        JsonResponses.replyRaw(exchange, 200, Buffer.buffer(json()));
        exchange.getMessage().setHeader("Cache-Control", "no-store");
    }

    byte[] json() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("enabled", enabled);
        ArrayNode waiting = root.putArray("waiting");
        ArrayNode running = root.putArray("active");
        ArrayNode done = root.putArray("done");
        ArrayNode rejected = root.putArray("rejected");
        if (enabled) {
            java.util.Collection<Batch> batches = active.list();
            List<String> inProgress = batches.stream().map(Batch::fileName).toList();
            for (Path file : newestFirst(inboxDir, name -> !name.startsWith(".") && !inProgress.contains(name), Integer.MAX_VALUE)) {
                waiting.addObject().put("file", file.getFileName().toString()).put("bytes", size(file))
                        .put("modified", modified(file));
            }
            batches.stream().sorted(Comparator.comparingLong(Batch::startedAt)).forEach(batch -> running.addObject()
                    .put("file", batch.fileName()).put("total", batch.total()).put("finished", batch.finished())
                    .put("failed", batch.failed()).put("started", Instant.ofEpochMilli(batch.startedAt()).toString()));
            for (Path report : newestFirst(inboxDir.resolve(".done"), name -> name.endsWith(".report.json"), RECENT)) {
                JsonNode content = read(report);
                if (content != null) {
                    String name = report.getFileName().toString();
                    done.addObject().put("file", name.substring(0, name.length() - ".report.json".length()))
                            .put("finished", modified(report)).set("report", content);
                }
            }
            for (Path reason : newestFirst(inboxDir.resolve(".error"), name -> name.endsWith(".reason.txt"), RECENT)) {
                String name = reason.getFileName().toString();
                rejected.addObject().put("file", name.substring(0, name.length() - ".reason.txt".length()))
                        .put("reason", text(reason)).put("modified", modified(reason));
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> newestFirst(Path dir, java.util.function.Predicate<String> accept, int limit) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // each file's time is read once, not at every comparison of the sort
        record Dated(Path file, long modified) {
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> accept.test(f.getFileName().toString()) && Files.isRegularFile(f))
                    .map(f -> new Dated(f, modifiedMillis(f)))
                    .sorted(Comparator.comparingLong(Dated::modified).reversed()).limit(limit).map(Dated::file).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long modifiedMillis(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException gone) {
            return 0;
        }
    }

    private static String modified(Path file) {
        return Instant.ofEpochMilli(modifiedMillis(file)).toString();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    private static JsonNode read(Path report) {
        try {
            return MAPPER.readTree(Files.readAllBytes(report));
        } catch (IOException e) {
            return null; // being written or gone: the next look will have it
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
