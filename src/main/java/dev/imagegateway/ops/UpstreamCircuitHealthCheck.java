package dev.imagegateway.ops;

import java.util.Map;

import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Ready only while the upstream circuit breaker is not open: an open circuit means every call is refused. */
public class UpstreamCircuitHealthCheck extends AbstractHealthCheck {

    /** The id of the circuitBreaker step in routes/generate.yaml. */
    public static final String BREAKER_ID = "upstream-circuit-breaker";

    public UpstreamCircuitHealthCheck() {
        super("gateway", "upstream-circuit");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String state = state(getCamelContext());
        builder.detail("state", state);
        if (state.contains("OPEN") && !state.contains("HALF")) {
            builder.detail("reason", "upstream circuit is open").down();
        } else {
            builder.up();
        }
    }

    /** CLOSED, OPEN, HALF_OPEN, ... of the upstream breaker; UNKNOWN before its route has started. */
    public static String state(org.apache.camel.CamelContext context) {
        ResilienceProcessor breaker = context == null ? null : context.getProcessor(BREAKER_ID, ResilienceProcessor.class);
        String state = breaker == null ? null : breaker.getCircuitBreakerState();
        return state == null ? "UNKNOWN" : state;
    }
}
