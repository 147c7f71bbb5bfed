package dev.imagegateway.inbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a prompt file: {@code .txt} has one prompt per line, {@code .jsonl} one {@code {"prompt", "size"}} object
 * per line; blank lines and lines starting with {@code #} are skipped in both. Any other file type is refused.
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
        if (!isSupported(fileName)) {
            throw new IllegalArgumentException("Unsupported file type: only .txt (one prompt per line) and .jsonl "
                    + "(one {\"prompt\": ..., \"size\": ...} per line) are read");
        }
        boolean json = isJsonLines(fileName);
        List<BatchLine> lines = new ArrayList<>();
        String[] raw = content.split("\\R", -1);
        for (int i = 0; i < raw.length; i++) {
            String text = raw[i].strip();
            if (i == 0 && text.startsWith("\uFEFF")) {
                text = text.substring(1).strip(); // a byte order mark is no part of the first prompt
            }
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            lines.add(json ? jsonLine(i + 1, text) : new BatchLine(i + 1, text, null, text, null));
        }
        return lines;
    }

    private static BatchLine jsonLine(int number, String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (IOException e) {
            return new BatchLine(number, null, null, text, "Line is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            return new BatchLine(number, null, null, text, "Line must be a JSON object");
        }
        JsonNode prompt = node.get("prompt");
        JsonNode size = node.get("size");
        if (prompt != null && !prompt.isNull() && !prompt.isTextual()) {
            return new BatchLine(number, null, null, text, "Field 'prompt' must be a string");
        }
        if (size != null && !size.isNull() && !size.isTextual()) {
            return new BatchLine(number, null, null, text, "Field 'size' must be a string");
        }
        return new BatchLine(number, prompt == null ? null : prompt.textValue(), size == null ? null : size.textValue(), text, null);
    }
}
