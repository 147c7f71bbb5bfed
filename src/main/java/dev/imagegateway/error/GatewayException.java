package dev.imagegateway.error;

/**
 * A failure whose message is safe to show to the client: it never carries keys, stack traces or class names.
 * {@code param} names the request field at fault and {@code code} is a machine-readable reason (the upstream's own,
 * such as {@code content_policy_violation}, when it gave one); both may be null, and the OpenAI door shows them.
 */
public class GatewayException extends RuntimeException {

    private final ErrorKind kind;
    private final Long retryAfterSeconds;
    private final int upstreamStatus;
    private final String param;
    private final String code;

    public GatewayException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public GatewayException(ErrorKind kind, String message, Long retryAfterSeconds, Throwable cause) {
        this(kind, message, retryAfterSeconds, cause, 0);
    }

    public GatewayException(ErrorKind kind, String message, Long retryAfterSeconds, Throwable cause, int upstreamStatus) {
        this(kind, message, retryAfterSeconds, cause, upstreamStatus, null, null);
    }

    public GatewayException(ErrorKind kind, String message, Long retryAfterSeconds, Throwable cause, int upstreamStatus,
                            String param, String code) {
        // no stack trace needed for client mistakes; the cause keeps the one that matters
        super(message, cause, false, cause != null);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
        this.upstreamStatus = upstreamStatus;
        this.param = param;
        this.code = code;
    }

    /** A client mistake in the request field {@code param}. */
    public static GatewayException invalid(String param, String message) {
        return new GatewayException(ErrorKind.INVALID_ARGUMENT, message, null, null, 0, param, null);
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

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }

    /** A machine-readable reason, or null. */
    public String code() {
        return code;
    }
}
