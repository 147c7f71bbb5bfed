package dev.imagegateway.error;

/**
 * A failure whose message is safe to show to the client: it never carries keys, stack traces or class names.
 */
public class GatewayException extends RuntimeException {

    private final ErrorKind kind;
    private final Long retryAfterSeconds;

    public GatewayException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public GatewayException(ErrorKind kind, String message, Long retryAfterSeconds, Throwable cause) {
        // no stack trace needed for client mistakes; the cause keeps the one that matters
        super(message, cause, false, cause != null);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Seconds the client should wait before retrying, or null when not applicable. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
