package dev.imagegateway.provider;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.ErrorMapper;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.models.Deployment;
import dev.imagegateway.models.ModelCatalog;
import dev.imagegateway.models.ModelCatalogSource;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.ops.GatewayMetrics;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.RequestValidator;
import dev.imagegateway.pipeline.ServedModel;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which deployments serve a request, in which order, and what happens when one fails. The serve-model route asks it for
 * a plan ({@link #start}), then Camel's failover load balancer runs the plan: each try takes the next deployment
 * ({@link #next}), and a failure another deployment may not share becomes {@link DeploymentFailed}, on which alone the
 * balancer moves on ({@link #failed}).
 * <p>
 * The plan: the served model's deployments, the first picked by weight among those whose circuit is closed (each pick
 * independent, so over many requests each deployment gets its weight's share), the others after it in weighted-random
 * order and open circuits last; then each of its {@code fallbacks} (and theirs, breadth first), the request mapped to
 * what that model takes. Camel's own weighted balancer picks among fixed outputs with fixed ratios and knows nothing of
 * circuits or of a catalog reloaded at run time, hence the order is made here and the loop is Camel's.
 */
public class DeploymentPlanner {

    /** Exchange property: the request's {@link Plan}. */
    public static final String PLAN = "gatewayPlan";
    /** Exchange property: the route id of the deployment an attempt calls. */
    public static final String ROUTE = "gatewayDeploymentRoute";
    private static final int MAX_STEPS = 32;
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentPlanner.class);

    private final Deployments deployments;
    private final ModelCatalogSource catalogs;
    private final UpstreamDeadline deadlines;
    private final GatewayMetrics metrics;
    /** local: every request goes to the offline renderer; auto: it does while no deployment has its credential. */
    private final String mode;
    private volatile ModelCatalog checkedCatalog;
    private volatile boolean anyConfigured;

    public DeploymentPlanner(Deployments deployments, ModelCatalogSource catalogs, UpstreamDeadline deadlines,
                             GatewayMetrics metrics, String mode) {
        this.deployments = deployments;
        this.catalogs = catalogs;
        this.deadlines = deadlines;
        this.metrics = metrics;
        this.mode = mode;
    }

    /** One deployment of the plan, with the model it serves and the request as that model takes it. */
    public record Step(ModelEntry model, Deployment spec, LiveDeployment deployment, GenerationRequest request) {
    }

    /** A request's plan and where it stands; shared by reference with the copies each failover try works on. */
    public static final class Plan {
        private final ServedModel requested;
        private final GenerationRequest original;
        private List<Step> steps;
        private final List<String> skipped;
        private int cursor;
        private int rounds;
        private int attempts;
        private Step current;
        private final Map<String, String> reasons = new LinkedHashMap<>();

        Plan(ServedModel requested, GenerationRequest original, List<Step> steps, List<String> skipped) {
            this.requested = requested;
            this.original = original;
            this.steps = steps;
            this.skipped = skipped;
        }

        /** Completed rounds through every deployment (the retry policy repeats a whole round). */
        public int rounds() {
            return rounds;
        }

        public Step current() {
            return current;
        }

        /** Deployments tried so far: 0 until a provider was reached. */
        public int attempts() {
            return attempts;
        }

        public List<Step> steps() {
            return steps;
        }
    }

    /** Before the first try: the plan, and the call's deadline fixed where every try sees it. */
    public void start(Exchange exchange) {
        ServedModel model = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
        GenerationRequest request = exchange.getMessage().getBody(GenerationRequest.class);
        deadlines.fixCallDeadline(exchange);
        exchange.setProperty(PLAN, plan(model, request));
    }

    Plan plan(ServedModel model, GenerationRequest request) {
        List<String> skipped = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        ModelCatalog catalog = catalogs.catalog();
        if (offline(catalog)) {
            ModelEntry served = model.served();
            steps.add(new Step(served, LOCAL, deployments.live(LOCAL), request));
            return new Plan(model, request, steps, skipped);
        }
        Set<String> seen = new HashSet<>();
        Deque<ModelEntry> models = new ArrayDeque<>();
        models.add(model.served());
        seen.add(model.served().name());
        while (!models.isEmpty() && steps.size() < MAX_STEPS) {
            ModelEntry entry = models.poll();
            GenerationRequest mapped = RequestValidator.mapTo(request, model.served(), entry);
            if (mapped == null) {
                skipped.add(entry.name() + ": cannot take this request (n or prompt length)");
            } else {
                for (Deployment spec : ordered(entry.deployments())) {
                    LiveDeployment live = deployments.live(spec);
                    String missing = live.notConfigured();
                    if (missing != null) {
                        skipped.add(spec.name() + ": " + missing);
                    } else if (steps.size() < MAX_STEPS) {
                        steps.add(new Step(entry, spec, live, mapped));
                    }
                }
            }
            for (String fallback : entry.fallbacks()) {
                ModelEntry next = catalog.find(fallback);
                if (next != null && seen.add(fallback)) {
                    models.add(next);
                }
            }
        }
        if (steps.isEmpty()) {
            LOG.error("No deployment of model {} can be called: {}", model.name(), String.join("; ", skipped));
            throw new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "No deployment of model " + model.name()
                    + " is configured on this gateway");
        }
        // circuits open now go last: they refuse at once, and are tried only when everything else failed
        List<Step> closed = new ArrayList<>();
        List<Step> open = new ArrayList<>();
        for (Step step : steps) {
            (step.deployment().circuitOpen() ? open : closed).add(step);
        }
        closed.addAll(open);
        return new Plan(model, request, closed, skipped);
    }

    /**
     * Weighted random order without replacement (each deployment's key is u^(1/weight), largest first), so the first is
     * picked with probability weight / total; weight 0 is for failover only and keeps its listed place at the end.
     */
    static List<Deployment> ordered(List<Deployment> list) {
        if (list.size() == 1) {
            return list;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Map<Deployment, Double> keys = new java.util.IdentityHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Deployment d = list.get(i);
            keys.put(d, d.weight() > 0 ? Math.pow(random.nextDouble(), 1.0 / d.weight()) + 1 : -i);
        }
        List<Deployment> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingDouble((Deployment d) -> keys.get(d)).reversed());
        return sorted;
    }

    /** Each try of the failover balancer: the next deployment of the plan, with the request as its model takes it. */
    public void next(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        if (plan.cursor >= plan.steps.size()) {
            // a new round (the retry policy repeats the whole plan): a fresh order, circuits as they are now
            Plan fresh = plan(plan.requested, plan.original);
            plan.steps = fresh.steps;
            plan.cursor = 0;
            plan.reasons.clear();
        }
        Step step = plan.steps.get(plan.cursor++);
        plan.current = step;
        exchange.setProperty(LiveDeployment.PROPERTY, step.deployment());
        exchange.setProperty(ROUTE, step.deployment().routeId());
        exchange.setProperty(ProviderCall.REQUEST, step.request());
        exchange.setProperty(ProviderCall.UPSTREAM_MODEL, step.spec().upstreamModel());
        exchange.setProperty(ServedModel.PROPERTY, plan.requested.by(step.model(), step.spec().provider(), step.spec().name()));
        exchange.setProperty(UpstreamRetryPolicy.ATTEMPTS, plan.attempts == 0 ? null : plan.attempts);
        plan.attempts++;
        dev.imagegateway.pipeline.ImageEvents.of(exchange).progress(dev.imagegateway.pipeline.ImageEvents.GENERATING);
    }

    /**
     * A try failed: {@link DeploymentFailed} when another deployment may do better and one is left, within the caller's
     * deadline; else the failure itself (a client's mistake goes back at once; the last deployment's failure goes back
     * after one line naming each one's reason).
     */
    public void failed(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        Step step = plan.current;
        String outcome = outcome(failure);
        metrics.deploymentAttempt(step.spec().provider(), step.spec().name(), outcome);
        if (!movesOn(outcome) || callerGone(exchange)) {
            throw failure;
        }
        String reason = describe(failure, outcome);
        plan.reasons.put(step.spec().name(), reason);
        if (plan.cursor < plan.steps.size()) {
            Step next = plan.steps.get(plan.cursor);
            LOG.warn("Deployment {} ({}) of model {} failed: {}; trying {} ({}{})", step.spec().name(), step.spec().provider(),
                    step.model().name(), reason, next.spec().name(), next.spec().provider(),
                    next.model() != step.model() ? ", fallback model " + next.model().name() : "");
            throw new DeploymentFailed(failure);
        }
        plan.rounds++;
        if (plan.steps.size() > 1 || !plan.skipped.isEmpty()) {
            List<String> all = new ArrayList<>();
            plan.reasons.forEach((name, why) -> all.add(name + ": " + why));
            all.addAll(plan.skipped.stream().map(s -> s + " (skipped)").toList());
            LOG.warn("Every deployment of model {} failed: {}", plan.requested.name(), String.join("; ", all));
        }
        throw failure;
    }

    /** After a deployment answered: who served the request, for the answer's headers, the metadata and the log. */
    public void served(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        Step step = plan.current;
        exchange.setProperty(ServedModel.PROPERTY, plan.requested.by(step.model(), step.spec().provider(), step.spec().name()));
        exchange.setProperty(dev.imagegateway.gallery.ImageMetadata.REQUEST, step.request());
        exchange.setProperty(UpstreamRetryPolicy.ATTEMPTS, plan.attempts);
        metrics.deploymentAttempt(step.spec().provider(), step.spec().name(), "ok");
    }

    /** The metric outcome of a failed try. */
    static String outcome(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CallNotPermittedException) {
                return "circuit_open";
            }
            if (t instanceof BulkheadFullException) {
                return "busy";
            }
            if (t instanceof CircuitBreakerRejection.Refusal refusal) {
                return refusal.outcome();
            }
            if (t instanceof GatewayException ge) {
                int status = ge.upstreamStatus();
                if (status == 429 || status == 408 || status == 409) {
                    return "rate_limited";
                }
                if (status == 401 || status == 403) {
                    return "credentials";
                }
                return switch (ge.kind()) {
                    case UPSTREAM_TIMEOUT -> "timeout";
                    case UPSTREAM_BAD_RESPONSE -> "bad_response";
                    case UPSTREAM_UNAVAILABLE -> "upstream_error";
                    case CANCELLED -> "cancelled";
                    default -> "refused";
                };
            }
            if (t instanceof UpstreamDeadline.CallerGone) {
                return "cancelled";
            }
            if (t instanceof java.io.IOException) {
                return "connection";
            }
        }
        return "error";
    }

    /** Failures another deployment may not share; never the caller's own mistakes, a policy refusal or its leaving. */
    private static boolean movesOn(String outcome) {
        return switch (outcome) {
            case "circuit_open", "busy", "rate_limited", "credentials", "timeout", "bad_response", "upstream_error",
                 "connection" -> true;
            default -> false;
        };
    }

    private static String describe(Throwable failure, String outcome) {
        GatewayException mapped = ErrorMapper.map(failure);
        return outcome + (mapped.upstreamStatus() > 0 ? " (HTTP " + mapped.upstreamStatus() + ")" : "") + ": " + mapped.getMessage();
    }

    private static boolean callerGone(Exchange exchange) {
        AtomicBoolean cancelled = exchange.getProperty(UpstreamRetryPolicy.CANCELLED, AtomicBoolean.class);
        Long deadline = exchange.getProperty(UpstreamRetryPolicy.DEADLINE, Long.class);
        return cancelled != null && cancelled.get() || deadline != null && System.currentTimeMillis() >= deadline;
    }

    /**
     * Makes every deployment of the catalog live (its route and breaker, so readiness lists it from the start) and
     * says, for the startup summary, which can be called and why the others cannot; whether the offline renderer
     * serves every request.
     */
    public List<String> survey() {
        ModelCatalog catalog = catalogs.catalog();
        Map<String, String> states = new java.util.TreeMap<>();
        for (ModelEntry entry : catalog.entries()) {
            for (Deployment d : entry.deployments()) {
                String missing = deployments.live(d).notConfigured();
                states.putIfAbsent(d.name(), d.name() + " (" + d.provider() + "): " + (missing == null ? "ready" : missing));
            }
        }
        List<String> lines = new ArrayList<>(states.values());
        if (offline(catalog)) {
            lines.add(0, "the built-in offline renderer serves every request"
                    + ("local".equals(mode) ? " (IMAGE_PROVIDER=local)" : ": no deployment has its key"));
        }
        return lines;
    }

    /** True when the offline renderer serves every request now. */
    public boolean offline() {
        return offline(catalogs.catalog());
    }

    /** The offline renderer as a deployment. */
    private static final Deployment LOCAL = new Deployment("local", "local", "local", null, null, null, 1, null, 0);

    /**
     * True when the offline renderer serves every request: IMAGE_PROVIDER=local, or IMAGE_PROVIDER left empty and not
     * one deployment of the catalog has its credential (a fresh machine), checked once per catalog version.
     */
    boolean offline(ModelCatalog catalog) {
        if ("local".equals(mode)) {
            return true;
        }
        if (!"auto".equals(mode)) {
            return false;
        }
        if (checkedCatalog != catalog) {
            boolean any = false;
            for (ModelEntry entry : catalog.entries()) {
                for (Deployment d : entry.deployments()) {
                    any |= !"local".equals(d.provider()) && deployments.live(d).notConfigured() == null;
                }
            }
            anyConfigured = any;
            checkedCatalog = catalog;
        }
        return !anyConfigured;
    }
}
