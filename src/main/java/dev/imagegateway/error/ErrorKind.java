package dev.imagegateway.error;

import io.grpc.Status;

/**
 * Every way a generation can fail, with the status each door answers. This table is the error contract:
 * REST renders the HTTP status, gRPC the status code, and nothing else decides them.
 */
public enum ErrorKind {
    INVALID_ARGUMENT(400, Status.Code.INVALID_ARGUMENT),
    UNAUTHENTICATED(401, Status.Code.PERMISSION_DENIED),
    /** A valid key asked for what it may not use (a model outside its allow-list). */
    FORBIDDEN(403, Status.Code.PERMISSION_DENIED),
    NOT_FOUND(404, Status.Code.NOT_FOUND),
    METHOD_NOT_ALLOWED(405, Status.Code.UNIMPLEMENTED),
    PAYLOAD_TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED),
    UNSUPPORTED_MEDIA_TYPE(415, Status.Code.INVALID_ARGUMENT),
    RATE_LIMITED(429, Status.Code.RESOURCE_EXHAUSTED),
    /** The key's budget is spent until it resets: OpenAI's own answer when credit runs out (insufficient_quota). */
    QUOTA_EXCEEDED(429, Status.Code.RESOURCE_EXHAUSTED),
    /** The upstream answered 200 with something that is not a usable image. */
    UPSTREAM_BAD_RESPONSE(502, Status.Code.INTERNAL),
    /** The upstream could not be reached, failed, or refused our own credentials. */
    UPSTREAM_UNAVAILABLE(502, Status.Code.UNAVAILABLE),
    /** Circuit open or too many calls in flight: the gateway protects itself and the upstream. */
    OVERLOADED(503, Status.Code.UNAVAILABLE),
    /** The client went away (gRPC cancel): nothing is answered, work stops. */
    CANCELLED(499, Status.Code.CANCELLED),
    UPSTREAM_TIMEOUT(504, Status.Code.DEADLINE_EXCEEDED),
    INTERNAL(500, Status.Code.INTERNAL);

    private final int httpStatus;
    private final Status.Code grpcCode;

    ErrorKind(int httpStatus, Status.Code grpcCode) {
        this.httpStatus = httpStatus;
        this.grpcCode = grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }
}
