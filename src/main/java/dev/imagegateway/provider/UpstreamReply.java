package dev.imagegateway.provider;

/**
 * What the upstream answered, read off the connection (UpstreamReplyReader) so that nothing after it depends on the
 * HTTP exchange.
 *
 * @param contentType the reply's media type (lower case, without parameters), or empty
 */
public record UpstreamReply(int status, byte[] body, String retryAfter, String contentType) {

    public UpstreamReply(int status, byte[] body, String retryAfter) {
        this(status, body, retryAfter, "");
    }

    /** The reply's body as text (error messages, small JSON). */
    public String text() {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
}
