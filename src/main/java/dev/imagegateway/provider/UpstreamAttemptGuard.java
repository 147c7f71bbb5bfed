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

    private final UpstreamDeadline deadlines;
    private final ReplyBudget budget;

    public UpstreamAttemptGuard(UpstreamDeadline deadlines, ReplyBudget budget) {
        this.deadlines = deadlines;
        this.budget = budget;
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
        budget.open(exchange);
        deadlines.arm(exchange);
        exchange.setProperty(STARTED, System.nanoTime());
        Integer attempts = exchange.getProperty(UpstreamRetryPolicy.ATTEMPTS, Integer.class);
        exchange.setProperty(UpstreamRetryPolicy.ATTEMPTS, attempts == null ? 1 : attempts + 1);
    }
}
