package dev.imagegateway.provider;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs before every upstream attempt: counts it, arms its deadline, and stops when the client has cancelled or its
 * deadline has passed, so no image is bought for a client that is gone.
 */
public class UpstreamAttemptGuard implements Processor {

    /** Exchange property: System.nanoTime() when this attempt began. */
    public static final String STARTED = "gatewayAttemptStarted";
    /** Exchange property: System.nanoTime() when an HTTP door's server had the request (before it waited for a worker). */
    public static final String ARRIVED = "gatewayArrived";

    private final UpstreamDeadline deadlines;
    private final ReplyBudget budget;
    private final long maxWaitNanos;
    private final dev.imagegateway.ops.GatewayMetrics metrics;

    /**
     * @param maxWaitMs the longest a call may wait for its turn (UPSTREAM_MAX_WAIT_MS): a request that waited longer
     *                  for a worker is refused as the bulkhead refuses one, so every door has one overload behaviour
     */
    public UpstreamAttemptGuard(UpstreamDeadline deadlines, ReplyBudget budget, long maxWaitMs, dev.imagegateway.ops.GatewayMetrics metrics) {
        this.deadlines = deadlines;
        this.budget = budget;
        this.maxWaitNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        AtomicBoolean cancelled = exchange.getProperty(UpstreamRetryPolicy.CANCELLED, AtomicBoolean.class);
        if (cancelled != null && cancelled.get()) {
            throw new GatewayException(ErrorKind.CANCELLED, "The client cancelled the call");
        }
        Long deadline = exchange.getProperty(UpstreamRetryPolicy.DEADLINE, Long.class);
        if (deadline != null && System.currentTimeMillis() >= deadline) {
            throw new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "The client's deadline passed before the upstream answered");
        }
        Long arrived = exchange.getProperty(ARRIVED, Long.class);
        if (arrived != null && exchange.getProperty(UpstreamRetryPolicy.ATTEMPTS) == null && System.nanoTime() - arrived > maxWaitNanos) {
            metrics.overloaded("in-flight");
            throw new GatewayException(ErrorKind.OVERLOADED, "Gateway is overloaded: too many calls waiting for their turn", 1L, null);
        }
        budget.open(exchange);
        deadlines.arm(exchange);
        exchange.setProperty(STARTED, System.nanoTime());
        Integer attempts = exchange.getProperty(UpstreamRetryPolicy.ATTEMPTS, Integer.class);
        exchange.setProperty(UpstreamRetryPolicy.ATTEMPTS, attempts == null ? 1 : attempts + 1);
    }
}
