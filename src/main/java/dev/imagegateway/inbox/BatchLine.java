package dev.imagegateway.inbox;

/**
 * One line of a prompt file: its 1-based number in the file, the request it carries, and the text it was read
 * from (for the failed-lines file). {@code parseError} is set when the line could not be read as a request.
 */
public record BatchLine(int number, String prompt, String size, String raw, String parseError) {
}
