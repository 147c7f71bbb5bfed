package dev.imagegateway.inbox;

import java.io.IOException;
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
            lines.add(json ? jsonLine(i + 1, text) : BatchLine.prompt(i + 1, text));
        }
        return lines;
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
