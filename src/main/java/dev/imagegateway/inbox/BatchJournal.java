package dev.imagegateway.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The durable memory of a batch, appended and forced to disk: before a prompt is generated, the name its image
 * will get ("pending"); once the image is saved, that it is done. A restart after a crash reads it back: a line
 * done, or pending with its image on disk, is not generated again; every other line is. So no line is lost and
 * none is generated twice, wherever the crash falls. Kept under {@code INBOX_DIR/.state/}, keyed by the file's
 * name and content; removed when the batch ends.
 */
public final class BatchJournal implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What the journal remembers of a line already done. */
    public record Done(String filename, long durationMs) {
    }

    private final Path path;
    private final FileChannel channel;
    private final Map<Integer, Done> done;
    private final Map<Integer, String> pending;

    private BatchJournal(Path path, FileChannel channel, Map<Integer, Done> done, Map<Integer, String> pending) {
        this.path = path;
        this.channel = channel;
        this.done = done;
        this.pending = pending;
    }

    public static BatchJournal open(Path path) {
        try {
            Files.createDirectories(path.getParent());
            Map<Integer, Done> done = new HashMap<>();
            Map<Integer, String> pending = new HashMap<>();
            if (Files.exists(path)) {
                List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
                for (String line : lines) {
                    try {
                        JsonNode entry = MAPPER.readTree(line);
                        int number = entry.get("line").asInt();
                        if (entry.has("stem")) {
                            pending.put(number, entry.get("stem").asText());
                        } else {
                            done.put(number, new Done(entry.get("filename").asText(), entry.get("duration_ms").asLong()));
                        }
                    } catch (IOException | RuntimeException torn) {
                        // an entry torn by a crash mid-write: what it was about is decided again
                    }
                }
            }
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new BatchJournal(path, channel, done, pending);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open batch journal " + path, e);
        }
    }

    public Done done(int line) {
        return done.get(line);
    }

    public int doneCount() {
        return done.size();
    }

    /** The image name reserved for a line by an earlier run that may have died before finishing it. */
    public String pendingStem(int line) {
        return pending.get(line);
    }

    public synchronized void recordPending(int line, String stem) {
        append(MAPPER.createObjectNode().put("line", line).put("stem", stem).toString());
        pending.put(line, stem);
    }

    public synchronized void recordDone(int line, String filename, long durationMs) {
        append(MAPPER.createObjectNode().put("line", line).put("filename", filename).put("duration_ms", durationMs).toString());
        done.put(line, new Done(filename, durationMs));
    }

    private void append(String json) {
        // each entry on its own line, after a newline: an entry torn by a crash cannot spoil the next one
        String entry = "\n" + json + "\n";
        try {
            channel.write(ByteBuffer.wrap(entry.getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write batch journal " + path, e);
        }
    }

    /** The batch is over: its report is written, the journal is no longer needed. */
    public void delete() {
        close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to flush: every entry was forced when written
        }
    }
}
