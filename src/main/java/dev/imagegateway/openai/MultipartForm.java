package dev.imagegateway.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.imagegateway.error.GatewayException;

/**
 * A {@code multipart/form-data} body (RFC 7578), already read whole, split into its parts: each with its name, file
 * name (null for a text field) and bytes. A malformed body is the client's 400, never a 500.
 */
final class MultipartForm {

    /** One part of the form. */
    record Part(String name, String filename, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private MultipartForm() {
    }

    /** The boundary of a {@code multipart/form-data} Content-Type, or null when it is not one. */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String p = parameter.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String value = p.substring("boundary=".length()).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() || value.length() > 70 ? null : value;
            }
        }
        return null;
    }

    static List<Part> parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw malformed("no boundary");
        }
        while (true) {
            int after = at + delimiter.length;
            if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
                return parts; // the closing delimiter
            }
            int headersStart = skipLineEnd(body, after);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                throw malformed("a part without headers");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            int contentStart = headersEnd + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), contentStart);
            if (next < 0) {
                throw malformed("a part that does not end");
            }
            String disposition = null;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                    disposition = line.substring("content-disposition:".length());
                }
            }
            if (disposition == null) {
                throw malformed("a part without Content-Disposition");
            }
            String name = parameter(disposition, "name");
            if (name == null) {
                throw malformed("a part without a name");
            }
            byte[] content = java.util.Arrays.copyOfRange(body, contentStart, next);
            parts.add(new Part(name, parameter(disposition, "filename"), content));
            at = next + 2;
        }
    }

    private static String parameter(String disposition, String key) {
        for (String piece : disposition.split(";")) {
            String p = piece.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(key)) {
                String value = p.substring(eq + 1).trim();
                return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
            }
        }
        return null;
    }

    private static int skipLineEnd(byte[] body, int at) {
        if (at + 1 < body.length && body[at] == '\r' && body[at + 1] == '\n') {
            return at + 2;
        }
        throw malformed("a boundary not followed by a line end");
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static GatewayException malformed(String what) {
        return GatewayException.invalid(null, "The multipart/form-data body is malformed: " + what);
    }
}
