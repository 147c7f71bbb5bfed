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

    public static CircuitBreaker create(String name, float failureRatePercent, int slidingWindow, int minimumCalls, long openSeconds,
                                        int halfOpenCalls) {
        return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .slidingWindowSize(slidingWindow)
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(Duration.ofSeconds(openSeconds))
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .ignoreException(UpstreamCircuitBreaker::notTheUpstreams)
                .recordException(UpstreamCircuitBreaker::upstreamFailed)
                .build());
    }

    /**
     * Camel hands the breaker its failures wrapped (RuntimeCamelException): the cause decides. Neither success nor
     * failure: the gateway's own refusals (bulkhead, memory) and calls whose caller left.
     */
    static boolean notTheUpstreams(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BulkheadFullException || t instanceof UpstreamDeadline.CallerGone) {
                return true;
            }
            if (t instanceof dev.imagegateway.error.GatewayException ge) {
                return ge.kind() == dev.imagegateway.error.ErrorKind.OVERLOADED || ge.kind() == dev.imagegateway.error.ErrorKind.CANCELLED;
            }
        }
        return false;
    }

    /**
     * What says the deployment is unwell: 5xx, a timeout, a failed connection. The whole provider call runs inside the
     * breaker, so the upstream's answers about the request itself (4xx: a policy refusal, a rate limit, refused
     * credentials, a reply that is not an image) are an upstream that answered: a success, as they always were.
     */
    static boolean upstreamFailed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof dev.imagegateway.error.GatewayException ge) {
                return switch (ge.kind()) {
                    case UPSTREAM_TIMEOUT -> true;
                    case UPSTREAM_UNAVAILABLE -> ge.upstreamStatus() == 0 || ge.upstreamStatus() >= 500;
                    default -> false;
                };
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }
}
