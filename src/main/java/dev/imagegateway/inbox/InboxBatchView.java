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
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.rest.JsonResponses;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /api/batches}: the inbox at a glance, for the web console. Files waiting to be read, batches in
 * progress (lines finished and failed of total), the latest finished batches with their reports, and the latest
 * files refused with their reasons. A report comes with its totals and its first {@value #PAGE} lines; the rest a page
 * at a time from {@code GET /api/batches?file=<name>&offset=N&limit=M}. A report is read as a stream, so a reply stays
 * small however large the batch was.
 */
public class InboxBatchView implements Processor {

    static final int RECENT = 20;
    static final int PAGE = 50;
    static final int MAX_PAGE = 1000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path inboxDir;
    private final boolean enabled;
    private final ActiveBatches active;
    /** Queued inbox: finished batches whose report another instance wrote, read from the shared database. */
    private volatile InboxQueue queue;

    public InboxBatchView(Path inboxDir, boolean enabled, ActiveBatches active) {
        this.inboxDir = inboxDir;
        this.enabled = enabled;
        this.active = active;
    }

    /** With a queued inbox, a report not in this instance's .done/ is read from the batch's rows. */
    public void sharedWith(InboxQueue shared) {
        this.queue = shared;
    }

    @Override
    public void process(Exchange exchange) {
        String file = exchange.getMessage().getHeader("file", String.class);
        byte[] body = file == null ? json() : page(file, number(exchange, "offset", 0, Integer.MAX_VALUE, 0),
                number(exchange, "limit", 1, MAX_PAGE, PAGE));
        JsonResponses.replyRaw(exchange, 200, Buffer.buffer(body));
        exchange.getMessage().setHeader("Cache-Control", "no-store");
    }

    private static int number(Exchange exchange, String name, int min, int max, int fallback) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw GatewayException.invalid(name, "Parameter '" + name + "' must be a whole number from " + min + " to " + max);
    }

    /** One page of a finished batch's report. */
    byte[] page(String file, int offset, int limit) {
        if (!file.matches("[^/\\\\\\x00-\\x1f]{1,255}") || file.startsWith(".")) {
            throw GatewayException.invalid("file", "Parameter 'file' must be the name of a finished batch");
        }
        Path report = inboxDir.resolve(".done").resolve(file + ".report.json");
        JsonNode content = Files.isRegularFile(report) ? read(report, offset, limit) : null;
        if (content == null && queue != null) {
            content = shared(file, offset, limit);
        }
        if (content == null) {
            throw new GatewayException(dev.imagegateway.error.ErrorKind.NOT_FOUND, "No finished batch named '"
                    + file.replaceAll("[^\\x20-\\x7E]", "?") + "'");
        }
        ObjectNode root = MAPPER.createObjectNode().put("file", file);
        root.set("report", content);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A page of a finished queued batch's report, from its rows in the shared database; null when there is none. */
    private JsonNode shared(String file, int offset, int limit) {
        InboxQueue.BatchRow batch = queue.reported(file);
        if (batch == null) {
            return null;
        }
        InboxQueue.Progress progress = queue.progress(batch.batchId());
        ObjectNode content = MAPPER.createObjectNode().put("file", batch.fileName());
        content.putObject("totals").put("lines", batch.total()).put("succeeded", batch.total() - progress.failed())
                .put("failed", progress.failed()).put("resumed", progress.resumed())
                .put("duration_ms", batch.finishedAt().toEpochMilli() - batch.createdAt().toEpochMilli());
        ArrayNode lines = content.putArray("lines");
        for (String outcome : queue.outcomes(batch.batchId(), offset, limit)) {
            try {
                ObjectNode line = (ObjectNode) MAPPER.readTree(outcome);
                line.remove(Batch.FAILED);
                line.remove(Batch.RAW);
                lines.add(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return content.put("lines_total", progress.finished()).put("lines_offset", offset);
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
            InboxQueue shared = queue;
            if (shared != null) {
                // queued batches run on every instance: how far each is, from the shared database
                try {
                    for (InboxQueue.Active batch : shared.active()) {
                        running.addObject().put("file", batch.fileName()).put("total", batch.total()).put("finished", batch.finished())
                                .put("failed", batch.failed()).put("started", batch.createdAt().toString());
                    }
                } catch (dev.imagegateway.spend.SpendSql.SpendStoreException away) {
                    // the shared database is away (readiness says so): this instance's own view still answers
                    root.put("shared_batches", "unavailable");
                }
            }
            for (Path report : newestFirst(inboxDir.resolve(".done"), name -> name.endsWith(".report.json"), RECENT)) {
                JsonNode content = read(report, 0, PAGE);
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

    /**
     * A report with {@code limit} of its lines from {@code offset}, read as a stream: the lines before are skipped, those
     * after counted, never held. Adds {@code lines_total} and {@code lines_offset}.
     */
    private static JsonNode read(Path report, int offset, int limit) {
        try (com.fasterxml.jackson.core.JsonParser json = MAPPER.createParser(report.toFile())) {
            if (json.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode content = MAPPER.createObjectNode();
            while (json.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = json.currentName();
                com.fasterxml.jackson.core.JsonToken value = json.nextToken();
                if (!"lines".equals(field) || value != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                    content.set(field, json.readValueAsTree());
                    continue;
                }
                ArrayNode lines = content.putArray("lines");
                int index = 0;
                while (json.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                    if (index >= offset && index < offset + limit) {
                        lines.add((JsonNode) json.readValueAsTree());
                    } else {
                        json.skipChildren();
                    }
                    index++;
                }
                content.put("lines_total", index).put("lines_offset", offset);
            }
            return content;
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
