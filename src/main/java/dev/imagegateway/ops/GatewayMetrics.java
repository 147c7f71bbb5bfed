package dev.imagegateway.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The gateway's own metrics, next to Camel's, in the registry that {@code /observe/metrics} exposes in Prometheus
 * format. Labels are doors, statuses and key names, never keys or prompts.
 */
public class GatewayMetrics {

    /** For tests and tools that have no registry to report to. */
    public static final GatewayMetrics NONE = new GatewayMetrics(new SimpleMeterRegistry());

    private final MeterRegistry registry;
    private final Counter retries;
    private final Counter imagesSaved;
    private final Counter bytesSaved;
    private final Counter saveFailures;
    private final Counter authFailures;
    private final Counter authThrottled;
    // meters with labels, looked up once per label set rather than rebuilt on every request
    private final Map<String, Counter> requestCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Map<Integer, Timer> upstreamTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> tokenCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> imageCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> overloadCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> deploymentCounters = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.retries = Counter.builder("gateway.upstream.retries").description("Upstream attempts repeated").register(registry);
        this.imagesSaved = Counter.builder("gateway.images.saved").description("Images written to IMAGES_DIR").register(registry);
        this.bytesSaved = Counter.builder("gateway.images.saved.bytes").description("Bytes of images written").register(registry);
        this.saveFailures = Counter.builder("gateway.images.save.failures").description("Images that could not be saved")
                .register(registry);
        this.authFailures = Counter.builder("gateway.auth.failures").description("Key checks that failed").register(registry);
        this.authThrottled = Counter.builder("gateway.auth.throttled")
                .description("Key checks refused unchecked: their address failed too often").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A request ended at a door with a status (HTTP code or gRPC code), after {@code nanos}. */
    public void request(String door, String key, String status, long nanos) {
        requestCounters.computeIfAbsent(door + '\u0000' + key + '\u0000' + status,
                k -> Counter.builder("gateway.requests").description("Requests by door, key name and status")
                        .tags("door", door, "key", key, "status", status).register(registry)).increment();
        requestTimers.computeIfAbsent(door, d -> Timer.builder("gateway.request.duration")
                .description("Whole call, from the door's view").tags("door", d).publishPercentileHistogram()
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An upstream HTTP call answered with {@code status} after {@code nanos}. */
    public void upstreamCall(int status, long nanos) {
        upstreamTimers.computeIfAbsent(status, st -> Timer.builder("gateway.upstream.duration")
                .description("Upstream calls, one per attempt").tags("status", Integer.toString(st))
                .publishPercentileHistogram().register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void retry() {
        retries.increment();
    }

    public void imageSaved(long bytes) {
        imagesSaved.increment();
        bytesSaved.increment(bytes);
    }

    public void saveFailed() {
        saveFailures.increment();
    }

    /** An inbox line finished with a status (OK or the error's gRPC code name). */
    public void inboxLine(String status) {
        Counter.builder("gateway.inbox.lines").description("Inbox lines finished, by status").tag("status", status)
                .register(registry).increment();
    }

    /** A value read when scraped. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A value read when scraped, with labels (name, value pairs). */
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    /**
     * A call the gateway refused for its own capacity (503 + Retry-After / UNAVAILABLE), by why: {@code in-flight} (the
     * bulkhead stayed full), {@code circuit-open}, {@code memory} (the reply budget stayed spent).
     */
    public void overloaded(String reason) {
        overloadCounters.computeIfAbsent(reason, r -> Counter.builder("gateway.overload.refused")
                .description("Calls refused for the gateway's own capacity, by reason").tag("reason", r)
                .register(registry)).increment();
    }

    /** A key check failed (a missing or wrong key). */
    public void authFailed() {
        authFailures.increment();
    }

    /** A key check was refused unchecked: its address failed too often. */
    public void authThrottled() {
        authThrottled.increment();
    }

    /** Tokens a model's reply says it used, by kind (input, output). */
    public void tokens(String model, String kind, long count) {
        if (count <= 0) {
            return;
        }
        tokenCounters.computeIfAbsent(model + '\u0000' + kind, k -> Counter.builder("gateway.tokens")
                .description("Tokens the upstream reported, by model and kind").tags("model", model, "kind", kind)
                .register(registry)).increment(count);
    }

    /**
     * One try of a deployment ended: {@code ok}, or why it did not (rate_limited, upstream_error, timeout, circuit_open,
     * busy, credentials, connection, bad_response, refused, cancelled).
     */
    public void deploymentAttempt(String provider, String deployment, String outcome) {
        deploymentCounters.computeIfAbsent(provider + '\u0000' + deployment + '\u0000' + outcome, k -> Counter.builder("gateway.deployment.attempts")
                .description("Tries of each deployment, by provider, deployment and outcome")
                .tags("provider", provider, "deployment", deployment, "outcome", outcome).register(registry)).increment();
    }

    /** Images a model produced, by the model that served them. */
    public void imagesGenerated(String model, String provider, int count) {
        imageCounters.computeIfAbsent(model + '\u0000' + provider, k -> Counter.builder("gateway.images.generated")
                .description("Images generated, by serving model and provider").tags("model", model, "provider", provider)
                .register(registry)).increment(count);
    }

    /** Dollars spent (the ledger's actual cost), by key name, serving model and provider. */
    public void spend(String key, String model, String provider, java.math.BigDecimal usd) {
        if (usd == null || usd.signum() <= 0) {
            return;
        }
        spendCounters.computeIfAbsent(key + '\u0000' + model + '\u0000' + provider, k -> Counter.builder("gateway.spend.usd")
                .description("US dollars spent, as the catalog prices what each request produced, by key, model and provider")
                .tags("key", key, "model", model, "provider", provider).register(registry)).increment(usd.doubleValue());
    }

    private final java.util.Map<String, Counter> spendCounters = new java.util.concurrent.ConcurrentHashMap<>();
}
