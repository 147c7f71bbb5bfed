package dev.imagegateway.provider;

/**
 * What the upstream answered, read off the connection inside the circuit breaker so that nothing after it depends on
 * the HTTP exchange; or, when the gateway could not make room to read it, why ({@code refused}: the gateway's own
 * limit, which the breaker must not count as the upstream failing).
 *
 * @param contentType the reply's media type (lower case, without parameters), or empty
 */
public record UpstreamReply(int status, byte[] body, String retryAfter, String contentType, ReplyBudget.Exhausted refused) {

    public UpstreamReply(int status, byte[] body, String retryAfter) {
        this(status, body, retryAfter, "", null);
    }

    /** The reply's body as text (error messages, small JSON). */
    public String text() {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
}
