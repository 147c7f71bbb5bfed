package dev.imagegateway.inbox;

import dev.imagegateway.pipeline.ImageOptions;

/**
 * One line of a prompt file: its 1-based number in the file, the request it carries (prompt, size, and from a
 * {@code .jsonl} line the optional model and options), and the text it was read from (for the failed-lines file).
 * {@code parseError} is set when the line could not be read as a request.
 */
public record BatchLine(int number, String prompt, String size, String model, ImageOptions options, String raw,
                        String parseError) {

    /** A line with a prompt and nothing else (a {@code .txt} line). */
    public static BatchLine prompt(int number, String prompt) {
        return new BatchLine(number, prompt, null, null, ImageOptions.NONE, prompt, null);
    }

    /** A line that could not be read as a request. */
    public static BatchLine unreadable(int number, String raw, String error) {
        return new BatchLine(number, null, null, null, ImageOptions.NONE, raw, error);
    }
}
