package dev.imagegateway.provider;

import java.time.Duration;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * The upstream's circuit breaker, built here rather than from the route's options so that it can tell the upstream
 * failing from the gateway's own refusals: Camel puts the bulkhead inside the breaker, so a call the bulkhead refused
 * ({@link BulkheadFullException}) would count as a failure, and a busy minute would open the circuit for half a
 * minute of instant refusals; a call whose caller left ({@link UpstreamDeadline.CallerGone}) says nothing about the
 * upstream either. Both are ignored (neither success nor failure), and still reach the route's error handling
 * (Camel's own {@code ignoreException} would swallow them).
 */
public final class UpstreamCircuitBreaker {

    private UpstreamCircuitBreaker() {
    }

    public static CircuitBreaker create(float failureRatePercent, int slidingWindow, int minimumCalls, long openSeconds,
                                        int halfOpenCalls) {
        return CircuitBreaker.of("upstream", CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .slidingWindowSize(slidingWindow)
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(Duration.ofSeconds(openSeconds))
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .ignoreException(UpstreamCircuitBreaker::notTheUpstreams)
                .build());
    }

    /** Camel hands the breaker its failures wrapped (RuntimeCamelException): the cause decides. */
    static boolean notTheUpstreams(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BulkheadFullException || t instanceof UpstreamDeadline.CallerGone) {
                return true;
            }
        }
        return false;
    }
}
