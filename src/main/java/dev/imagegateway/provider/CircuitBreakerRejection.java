package dev.imagegateway.provider;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Turns a call the circuit breaker refused (circuit open, bulkhead full) into its row of the error contract:
 * 503 with Retry-After, gRPC UNAVAILABLE. Runs in the doCatch around the breaker; other failures pass by it.
 */
public class CircuitBreakerRejection implements Processor {

    /** A deployment's own refusal (its circuit open, its bulkhead full): failover moves on after either. */
    public static final class Refusal extends GatewayException {
        private final String outcome;

        Refusal(String message, long retryAfterSeconds, String outcome) {
            super(ErrorKind.OVERLOADED, message, retryAfterSeconds, null);
            this.outcome = outcome;
        }

        /** circuit_open or busy. */
        public String outcome() {
            return outcome;
        }
    }

    private final long openSeconds;
    private final dev.imagegateway.ops.GatewayMetrics metrics;

    public CircuitBreakerRejection(long openSeconds, dev.imagegateway.ops.GatewayMetrics metrics) {
        this.openSeconds = openSeconds;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure instanceof CallNotPermittedException) {
            metrics.overloaded("circuit-open");
            throw new Refusal("Upstream is failing; the gateway stopped calling it for a while", openSeconds, "circuit_open");
        }
        if (failure instanceof BulkheadFullException) {
            metrics.overloaded("in-flight");
            throw new Refusal("Gateway is overloaded: too many upstream calls in flight", 1L, "busy");
        }
        throw new IllegalStateException("Not a circuit breaker rejection", failure);
    }
}
