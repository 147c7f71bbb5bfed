package dev.imagegateway.inbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.rest.JsonRequestBody;

/**
 * Reads a prompt file: {@code .txt} has one prompt per line, {@code .jsonl} one {@code {"prompt", "size"}} object
 * per line (with the optional fields of the REST door: model, quality, style, background, moderation, output_format,
 * output_compression, user); blank lines and lines starting with {@code #} are skipped in both. Any other file type is refused.
 */
public final class InboxFileParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private InboxFileParser() {
    }

    public static boolean isSupported(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".txt") || lower.endsWith(".jsonl");
    }

    public static boolean isJsonLines(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".jsonl");
    }

    public static List<BatchLine> parse(String fileName, String content) {
        requireSupported(fileName);
        boolean json = isJsonLines(fileName);
        List<BatchLine> lines = new ArrayList<>();
        String[] raw = content.split("\\R", -1);
        for (int i = 0; i < raw.length; i++) {
            BatchLine line = line(i + 1, raw[i], json);
            if (line != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    static void requireSupported(String fileName) {
        if (!isSupported(fileName)) {
            throw new IllegalArgumentException("Unsupported file type: only .txt (one prompt per line) and .jsonl "
                    + "(one {\"prompt\": ..., \"size\": ...} per line) are read");
        }
    }

    /** One line of a file, by its 1-based number; null for a blank line or a comment. */
    static BatchLine line(int number, String raw, boolean json) {
        String text = raw.strip();
        if (number == 1 && text.startsWith("\uFEFF")) {
            text = text.substring(1).strip(); // a byte order mark is no part of the first prompt
        }
        if (text.isEmpty() || text.startsWith("#")) {
            return null;
        }
        return json ? jsonLine(number, text) : BatchLine.prompt(number, text);
    }

    /**
     * The lines of a prompt file, read as they are asked for (a file is never held whole): the splitter pulls them one at
     * a time, and closes the reader when it is done with them.
     */
    static Lines open(Path file, String fileName) throws IOException {
        return new Lines(InboxFileScan.reader(file), isJsonLines(fileName));
    }

    /** A file's lines as an iterator over an open reader. */
    static final class Lines implements java.util.Iterator<BatchLine>, java.io.Closeable {
        private final java.io.BufferedReader reader;
        private final boolean json;
        private int number;
        private BatchLine next;
        private boolean closed;

        Lines(java.io.BufferedReader reader, boolean json) {
            this.reader = reader;
            this.json = json;
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    if (closed) {
                        // asked again after the end (a splitter finishing on another thread)
                        return false;
                    }
                    String raw = reader.readLine();
                    if (raw == null) {
                        close();
                        return false;
                    }
                    next = line(++number, raw, json);
                }
                return true;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("The prompt file could not be read on", e);
            }
        }

        @Override
        public BatchLine next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            BatchLine line = next;
            next = null;
            return line;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            reader.close();
        }
    }

    private static BatchLine jsonLine(int number, String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (IOException e) {
            return BatchLine.unreadable(number, text, "Line is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            return BatchLine.unreadable(number, text, "Line must be a JSON object");
        }
        try {
            return new BatchLine(number, JsonRequestBody.text(node, "prompt"), JsonRequestBody.text(node, "size"),
                    JsonRequestBody.text(node, "model"), JsonRequestBody.options(node), text, null);
        } catch (GatewayException e) {
            // a field of the wrong type: the line fails with the same message a REST call would get
            return BatchLine.unreadable(number, text, e.getMessage());
        }
    }
}
