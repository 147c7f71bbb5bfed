package dev.imagegateway.provider;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, after a failed upstream attempt, whether Camel's error handler tries again and after how long
 * (it is the {@code retryWhile} of the provider route, and sets {@link Exchange#REDELIVERY_DELAY}).
 * <p>
 * Retried: 408, 409, 429, 5xx and connection errors, at most {@code maxRetries} times, after an exponential backoff
 * from {@code initialDelayMs} with jitter, or after the upstream's Retry-After when that is longer. Never retried:
 * other 4xx, an image that is not one, a timeout (the attempt already used its whole budget), a Retry-After beyond
 * the cap, a retry that cannot finish before the client's deadline, or a call the client cancelled.
 */
public class UpstreamRetryPolicy {

    /** Epoch milliseconds by which the client needs its answer (gRPC deadline); absent means none. */
    public static final String DEADLINE = "gatewayDeadline";
    /** An {@link AtomicBoolean} set when the client cancels. */
    public static final String CANCELLED = "gatewayCancelled";
    /** Number of upstream attempts made so far for this request. */
    public static final String ATTEMPTS = "gatewayUpstreamAttempts";

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRetryPolicy.class);

    private final int maxRetries;
    private final long initialDelayMs;
    private final long maxDelayMs;
    private final long retryAfterCapMs;
    private final long minAttemptMs;
    private final dev.imagegateway.ops.GatewayMetrics metrics;

    public UpstreamRetryPolicy(int maxRetries, long initialDelayMs, long maxDelayMs, long retryAfterCapMs, long minAttemptMs,
                               dev.imagegateway.ops.GatewayMetrics metrics) {
        this.metrics = metrics;
        this.maxRetries = maxRetries;
        this.initialDelayMs = initialDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.retryAfterCapMs = retryAfterCapMs;
        this.minAttemptMs = minAttemptMs;
    }

    public boolean shouldRetry(Exchange exchange) {
        // while the error handler decides, the failure sits in EXCEPTION_CAUGHT rather than on the exchange
        Throwable failure = exchange.getException() != null
                ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // with a plan of deployments, a retry repeats the whole plan: what counts is the rounds through it
        DeploymentPlanner.Plan plan = exchange.getProperty(DeploymentPlanner.PLAN, DeploymentPlanner.Plan.class);
        int attempts = plan != null ? Math.max(1, plan.rounds()) : exchange.getProperty(ATTEMPTS, 1, Integer.class);
        if (attempts > maxRetries || !isRetryable(failure) || isCancelled(exchange)) {
            return false;
        }
        Long retryAfterMs = retryAfterMs(failure);
        if (retryAfterMs != null && retryAfterMs > retryAfterCapMs) {
            return false; // the upstream asks for longer than we let a client wait: pass its Retry-After on instead
        }
        long delay = Math.max(backoffMs(attempts), retryAfterMs == null ? 0 : retryAfterMs);
        Long deadline = exchange.getProperty(DEADLINE, Long.class);
        if (deadline != null && System.currentTimeMillis() + delay + minAttemptMs > deadline) {
            LOG.info("Not retrying the upstream: the client's deadline leaves no time for another attempt");
            return false;
        }
        LOG.warn("Upstream {} {} failed ({}); retrying in {} ms", plan != null ? "round" : "attempt", attempts, describe(failure), delay);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay);
        metrics.retry();
        return true;
    }

    /** Exponential backoff with equal jitter: half fixed, half random. */
    long backoffMs(int attempt) {
        long base = Math.min(maxDelayMs, initialDelayMs << Math.min(20, attempt - 1));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    static boolean isRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof GatewayException ge) {
                int s = ge.upstreamStatus();
                return s == 408 || s == 409 || s == 429 || s >= 500;
            }
            if (t instanceof ConnectTimeoutException) {
                return true; // no connection was made: nothing was spent
            }
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return false;
            }
            if (t instanceof IOException) {
                return true; // refused, reset, closed mid-reply: the connection failed, not the request
            }
        }
        return false;
    }

    private static Long retryAfterMs(Throwable failure) {
        if (failure instanceof GatewayException ge && ge.retryAfterSeconds() != null) {
            return ge.retryAfterSeconds() * 1000;
        }
        return null;
    }

    private static boolean isCancelled(Exchange exchange) {
        AtomicBoolean cancelled = exchange.getProperty(CANCELLED, AtomicBoolean.class);
        return cancelled != null && cancelled.get();
    }

    private static String describe(Throwable failure) {
        // Camel hands the failure over wrapped: the first cause that says what happened
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GatewayException ge) {
                return ge.upstreamStatus() > 0 ? "HTTP " + ge.upstreamStatus() : ge.kind().name();
            }
            if (!(t instanceof org.apache.camel.RuntimeCamelException) || t.getCause() == null) {
                return t.getClass().getSimpleName();
            }
        }
        return "unknown";
    }
}
