package dev.imagegateway.provider;

/**
 * What the upstream answered, read off the connection inside the circuit breaker so that nothing after it
 * depends on the HTTP exchange.
 */
public record UpstreamReply(int status, byte[] body, String retryAfter) {
}
