package dev.imagegateway.ops;

import java.util.regex.Pattern;

/**
 * Values from outside (a prompt, a key name, a file name, a caller's request id) written into a log line so that one
 * event stays one line: quotes, backslashes and every control or line-breaking character are escaped, and a value that
 * is not a plain token is quoted. (The log layout also encodes CR and LF in every message, as a second guard.)
 */
public final class LogText {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:@/+,=-]{1,256}");

    private LogText() {
    }

    /** A value as it is when it is a plain token, else quoted and escaped; {@code -} for none. */
    public static String token(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        return TOKEN.matcher(value).matches() ? value : quoted(value);
    }

    /** A value in double quotes with {@code \}, {@code "} and control characters escaped. */
    public static String quoted(String value) {
        return '"' + escaped(value) + '"';
    }

    /** Free text (the end of a line) with {@code \}, {@code "} and control characters escaped, unquoted. */
    public static String escaped(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
