package dev.imagegateway.provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.models.Deployment;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployments the catalog names, each made live on first use: a route from the {@code deployment} template
 * (routes/generate.yaml) with its own circuit breaker and bulkhead, so one failing deployment opens its own circuit
 * and no other. A catalog reload that changes a deployment's endpoint gets a fresh route and breaker; one that only
 * changes weights or model ids changes nothing here.
 */
public class Deployments {

    private static final Logger LOG = LoggerFactory.getLogger(Deployments.class);

    private final CamelContext context;
    private final CircuitSettings circuit;
    private final int defaultMaxInFlight;
    private final Map<String, LiveDeployment> live = new ConcurrentHashMap<>();
    private volatile Map<String, ProviderDefaults> providers;
    private final Map<String, Integer> versions = new HashMap<>();

    /** The breaker's settings (circuit.*), the same for every deployment. */
    public record CircuitSettings(float failureRatePercent, int slidingWindow, int minimumCalls, long openSeconds, int halfOpenCalls) {
    }

    private final dev.imagegateway.ops.GatewayMetrics metrics;

    public Deployments(CamelContext context, CircuitSettings circuit, int defaultMaxInFlight, dev.imagegateway.ops.GatewayMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
        this.circuit = circuit;
        this.defaultMaxInFlight = defaultMaxInFlight;
    }

    /** The live form of {@code spec}, made now if it is new or its endpoint changed. */
    public LiveDeployment live(Deployment spec) {
        LiveDeployment current = live.get(spec.name());
        if (current != null && current.spec().sameEndpoint(spec)) {
            return current;
        }
        synchronized (this) {
            current = live.get(spec.name());
            if (current != null && current.spec().sameEndpoint(spec)) {
                return current;
            }
            LiveDeployment made = create(spec);
            live.put(spec.name(), made);
            return made;
        }
    }

    /** Every deployment made live so far, by name. */
    public Collection<LiveDeployment> all() {
        return List.copyOf(live.values());
    }

    private final java.util.List<String> routeIds = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Once the context has started: deployment routes made while it was starting, started now. */
    public void startWaiting() throws Exception {
        for (String routeId : routeIds) {
            if (context.getRouteController().getRouteStatus(routeId) != org.apache.camel.ServiceStatus.Started) {
                LOG.debug("Starting deployment route {}, made while the gateway was starting", routeId);
                context.getRouteController().startRoute(routeId);
            }
        }
    }

    /** The provider names this gateway has: one bean of {@link ProviderDefaults} per provider route file. */
    public Map<String, ProviderDefaults> providers() {
        Map<String, ProviderDefaults> known = providers;
        if (known == null) {
            known = new HashMap<>();
            for (ProviderDefaults p : context.getRegistry().findByType(ProviderDefaults.class)) {
                known.put(p.getName(), p);
            }
            providers = known;
        }
        return known;
    }

    private LiveDeployment create(Deployment spec) {
        ProviderDefaults provider = providers().get(spec.provider());
        if (provider == null) {
            throw new GatewayException(ErrorKind.INTERNAL, "Deployment " + spec.name() + " names provider '" + spec.provider()
                    + "', which this gateway does not have");
        }
        // a route id per endpoint version: a changed endpoint never reuses the breaker of the old one
        // (the old route stays, unused: calls in flight on it finish there)
        int version = versions.merge(spec.name(), 1, Integer::sum);
        String routeId = "deployment-" + spec.name() + (version == 1 ? "" : "-v" + version);
        String breakerName = "circuit-" + routeId;
        var breaker = UpstreamCircuitBreaker.create(routeId, circuit.failureRatePercent(), circuit.slidingWindow(),
                circuit.minimumCalls(), circuit.openSeconds(), circuit.halfOpenCalls());
        context.getRegistry().bind(breakerName, breaker);
        try {
            TemplatedRouteBuilder.builder(context, "deployment")
                    .routeId(routeId)
                    .parameter("route", routeId)
                    .parameter("provider", spec.provider())
                    .parameter("circuitBreaker", breakerName)
                    .parameter("maxInFlight", Integer.toString(spec.maxInFlight() != null ? spec.maxInFlight() : defaultMaxInFlight))
                    .add();
            // a route added while the context is still starting (an inbox line read at once, a call on the first
            // second) is kept as a definition only, and a route made then stays stopped: it is made here and started
            // by startWaiting() once the context has started (its first callers wait for it on the direct endpoint).
            // Without this they waited for a consumer that never came (seen: 30 s, then "No consumers available")
            if (context.getRoute(routeId) == null && context instanceof org.apache.camel.model.ModelCamelContext model) {
                org.apache.camel.model.RouteDefinition definition = model.getRouteDefinition(routeId);
                if (definition != null) {
                    model.startRouteDefinitions(java.util.List.of(definition));
                }
            }
            routeIds.add(routeId);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the route of deployment " + spec.name(), e);
        }
        LOG.debug("Deployment {} of provider {} is live (route {})", spec.name(), spec.provider(), routeId);
        if (version == 1) {
            metrics.gauge("gateway.deployment.circuit.open", "1 while the deployment's circuit breaker is open",
                    () -> live.get(spec.name()) != null && live.get(spec.name()).circuitOpen() ? 1 : 0,
                    "provider", spec.provider(), "deployment", spec.name());
        }
        return new LiveDeployment(spec, provider, routeId, breaker, this::lookup);
    }

    /**
     * A variable (env:NAME) or setting (openai.api-key) by name: through Camel's properties, which read the environment
     * (when the name is a variable's own, or the setting's OPENAI_API_KEY form), {@code .env} and application.properties;
     * then the process environment directly.
     */
    private String lookup(String name) {
        String value = context.getPropertiesComponent().resolveProperty(name).orElse(null);
        if ((value == null || value.isBlank()) && name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            value = System.getenv(name);
        }
        return value;
    }

    /** The state of each live deployment's circuit, for readiness. */
    public Map<String, String> circuitStates() {
        Map<String, String> states = new java.util.TreeMap<>();
        for (LiveDeployment d : all()) {
            states.put(d.name(), d.breaker().getState().name());
        }
        return states;
    }

    /** Names of live deployments, sorted. */
    public List<String> names() {
        List<String> names = new ArrayList<>(live.keySet());
        names.sort(null);
        return names;
    }
}
