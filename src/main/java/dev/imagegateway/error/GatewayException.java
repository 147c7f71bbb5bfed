package dev.imagegateway.error;

/**
 * A failure whose message is safe to show to the client: it never carries keys, stack traces or class names.
 */
public class GatewayException extends RuntimeException {

    private final ErrorKind kind;
    private final Long retryAfterSeconds;
    private final int upstreamStatus;

    public GatewayException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public GatewayException(ErrorKind kind, String message, Long retryAfterSeconds, Throwable cause) {
        this(kind, message, retryAfterSeconds, cause, 0);
    }

    public GatewayException(ErrorKind kind, String message, Long retryAfterSeconds, Throwable cause, int upstreamStatus) {
        // no stack trace needed for client mistakes; the cause keeps the one that matters
        super(message, cause, false, cause != null);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
        this.upstreamStatus = upstreamStatus;
    }

    /** The HTTP status the upstream answered, or 0 when the failure is not an upstream answer. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Seconds the client should wait before retrying, or null when not applicable. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
