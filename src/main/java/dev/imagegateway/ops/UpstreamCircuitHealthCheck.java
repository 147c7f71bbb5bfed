package dev.imagegateway.ops;

import java.util.Map;

import dev.imagegateway.provider.Deployments;
import dev.imagegateway.provider.LiveDeployment;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness lists each deployment's circuit (its message, "deployment circuits: openai-a OPEN, openai-b CLOSED", and
 * the details {@code circuit.<deployment>: CLOSED | OPEN | HALF_OPEN}); it is DOWN only while the circuit of every
 * deployment that can be called (its key set) is open, when no request can be served.
 */
public class UpstreamCircuitHealthCheck extends AbstractHealthCheck {

    public UpstreamCircuitHealthCheck() {
        super("gateway", "upstream-circuit");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Deployments deployments = deployments(getCamelContext());
        int open = 0;
        int total = 0;
        java.util.List<String> circuits = new java.util.ArrayList<>();
        if (deployments != null) {
            for (LiveDeployment d : deployments.all()) {
                builder.detail("circuit." + d.name(), d.breaker().getState().name());
                circuits.add(d.name() + " " + d.breaker().getState().name());
                // a deployment without its key serves nothing either way: readiness is about those that can
                if (d.notConfigured() == null) {
                    total++;
                    if (d.circuitOpen()) {
                        open++;
                    }
                }
            }
        }
        java.util.Collections.sort(circuits);
        // the message is what /observe/health/ready?exposureLevel=full shows (the details need &data=true too)
        builder.message("deployment circuits: " + (circuits.isEmpty() ? "none yet" : String.join(", ", circuits)));
        builder.detail("state", total == 0 ? "UNKNOWN" : open == 0 ? "CLOSED" : open == total ? "OPEN" : "PARTLY_OPEN");
        if (total > 0 && open == total) {
            builder.detail("reason", "the circuit of every deployment is open").down();
        } else {
            builder.up();
        }
    }

    /** Deployments whose circuit is open now. */
    public static long openCircuits(org.apache.camel.CamelContext context) {
        Deployments deployments = deployments(context);
        return deployments == null ? 0 : deployments.all().stream().filter(LiveDeployment::circuitOpen).count();
    }

    private static Deployments deployments(org.apache.camel.CamelContext context) {
        return context == null ? null : context.getRegistry().lookupByNameAndType("deployments", Deployments.class);
    }
}
