package dev.imagegateway.models;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.ops.GatewayMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the catalog with what the upstream itself says, at start and then daily (the model-watch route): OpenAI's
 * {@code GET /v1/models} lists the models it serves and, where announced, each one's {@code shutdown_date}. A catalog
 * model served as itself that the upstream no longer lists, or that shuts down within the warning window (by the
 * upstream's date or the catalog's), is a warning: logged once, shown in {@code /api/info}, and in the metrics
 * {@code gateway_model_upstream_listed} and {@code gateway_model_shutdown_days}. The call runs on its own timer and
 * never blocks serving; a failed call is logged and tried again at the next round.
 */
public class ModelWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ModelWatch.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_REPLY_BYTES = 8 * 1024 * 1024;

    private final ModelCatalogSource catalogs;
    private final String apiKey;
    private final String provider;
    private final int warnDays;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Map<String, Double> listed = new ConcurrentHashMap<>();
    private final Map<String, Double> daysLeft = new ConcurrentHashMap<>();
    private volatile List<String> warnings = List.of();
    private volatile Instant checkedAt;
    private volatile String lastError;

    /**
     * @param provider the catalog provider whose models this upstream serves
     * @param warnDays how many days ahead a shutdown is warned about
     */
    public ModelWatch(ModelCatalogSource catalogs, String apiKey, String provider, int warnDays, GatewayMetrics metrics, Clock clock) {
        this.catalogs = catalogs;
        this.apiKey = apiKey;
        this.provider = provider;
        this.warnDays = warnDays;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The upstream call: GET with our key, nothing else. */
    public void request(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader("Accept", "application/json");
        message.setHeader("Authorization", "Bearer " + apiKey);
    }

    /** Reads the upstream's answer and compares it with the catalog. */
    public void check(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] body;
        try (InputStream in = message.getBody(InputStream.class)) {
            body = in == null ? new byte[0] : in.readNBytes(MAX_REPLY_BYTES);
        }
        message.removeHeaders("*");
        message.setBody(null);
        if (status != 200) {
            failed("the upstream answered HTTP " + status);
            return;
        }
        Map<String, LocalDate> upstream = new HashMap<>();
        JsonNode data;
        try {
            data = MAPPER.readTree(body).path("data");
        } catch (IOException e) {
            failed("the upstream's model list is not JSON");
            return;
        }
        if (!data.isArray()) {
            failed("the upstream's model list has no 'data'");
            return;
        }
        for (JsonNode model : data) {
            String id = model.path("id").asText(null);
            if (id != null) {
                upstream.put(id, date(model.path("shutdown_date").asText(null)));
            }
        }
        compare(upstream);
    }

    /** Compares the catalog with the upstream's models (id to shutdown date, or null when none is announced). */
    public void compare(Map<String, LocalDate> upstream) {
        ModelCatalog catalog = catalogs.catalog();
        LocalDate today = LocalDate.now(clock);
        List<String> found = new ArrayList<>();
        // a model no longer watched (removed, mapped, past its date) shows no stale value
        listed.replaceAll((model, value) -> Double.NaN);
        daysLeft.replaceAll((model, value) -> Double.NaN);
        for (ModelEntry entry : catalog.entries()) {
            if (!provider.equals(entry.provider()) || catalog.servedBy(entry, today) != entry) {
                continue; // another provider's, or a name served by another model
            }
            String upstreamId = entry.upstreamModel();
            boolean isListed = upstream.containsKey(upstreamId);
            gauge(listed, "gateway.model.upstream.listed", "1 while the upstream lists the model, 0 once it does not", entry.name())
                    .put(entry.name(), isListed ? 1.0 : 0.0);
            if (!isListed) {
                found.add("Model " + entry.name() + ": the upstream no longer lists " + upstreamId
                        + "; requests for it will fail until the catalog maps it to another model");
                continue;
            }
            LocalDate shutdown = earliest(upstream.get(upstreamId), entry.lifecycle().state() == Lifecycle.State.DEPRECATED
                    ? entry.lifecycle().shutdown() : null);
            if (shutdown != null) {
                long days = ChronoUnit.DAYS.between(today, shutdown);
                gauge(daysLeft, "gateway.model.shutdown.days", "Days until the model shuts down, where a date is known", entry.name())
                        .put(entry.name(), (double) days);
                if (days <= warnDays) {
                    boolean catalogKnows = shutdown.equals(entry.lifecycle().shutdown());
                    found.add("Model " + entry.name() + " shuts down on " + shutdown + " (in " + days + " days)"
                            + (catalogKnows ? (entry.lifecycle().replacement() != null
                                    ? "; then " + entry.lifecycle().replacement() + " serves its requests" : "; then it is refused")
                                    : "; the catalog does not say so yet: map it to another model"));
                }
            }
        }
        warnings = List.copyOf(found);
        checkedAt = clock.instant();
        lastError = null;
        // each warning once a day at most: the round's own interval (a day by default) sets the pace
        for (String warning : found) {
            LOG.warn("{}", warning);
        }
        LOG.debug("Model watch: {} upstream models, {} warnings", upstream.size(), found.size());
    }

    /** The call failed; serving goes on, and the next round tries again. */
    public void failed(String reason) {
        lastError = reason;
        LOG.warn("Model watch: could not read the upstream's model list ({}); trying again at the next round", reason);
    }

    public void callFailed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        failed(e == null ? "unknown error" : e.getClass().getSimpleName());
    }

    public List<String> warnings() {
        return warnings;
    }

    /** When the last comparison ran, or null. */
    public Instant checkedAt() {
        return checkedAt;
    }

    /** Why the last call failed, or null. */
    public String lastError() {
        return lastError;
    }

    private Map<String, Double> gauge(Map<String, Double> values, String name, String description, String model) {
        if (!values.containsKey(model)) {
            values.put(model, Double.NaN);
            metrics.gauge(name, description, () -> values.getOrDefault(model, Double.NaN), "model", model);
        }
        return values;
    }

    private static LocalDate earliest(LocalDate a, LocalDate b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private static LocalDate date(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
