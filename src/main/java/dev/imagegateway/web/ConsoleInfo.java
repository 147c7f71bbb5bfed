package dev.imagegateway.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.config.GatewaySettings;

import dev.imagegateway.models.ModelCatalog;
import dev.imagegateway.models.ModelCatalogSource;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.models.ModelWatch;
import dev.imagegateway.rest.JsonResponses;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /api/info}: what the web console needs to offer the right choices, from the model catalog in force: the
 * default model, every model a client can name today with its sizes, qualities and longest prompt (shut-down names
 * say which model serves them), the model watch's warnings, and whether the inbox is on. The console also calls it to
 * check a key as soon as it is entered.
 */
public class ConsoleInfo implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final GatewaySettings settings;
    private final ModelCatalogSource catalogs;
    private final ModelWatch watch;
    private final Clock clock;

    private java.util.function.BooleanSupplier offline = () -> false;

    /** Whether the offline renderer serves every request now (the console says so beside the model). */
    public ConsoleInfo offlineWhen(java.util.function.BooleanSupplier offline) {
        this.offline = offline;
        return this;
    }

    public ConsoleInfo(GatewaySettings settings, ModelCatalogSource catalogs, ModelWatch watch, Clock clock) {
        this.settings = settings;
        this.catalogs = catalogs;
        this.watch = watch;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        try {
            JsonResponses.replyRaw(exchange, 200, Buffer.buffer(MAPPER.writeValueAsBytes(info())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getMessage().setHeader("Cache-Control", "no-store");
    }

    ObjectNode info() {
        ModelCatalog catalog = catalogs.catalog();
        LocalDate today = LocalDate.now(clock);
        String defaultModel = catalogs.defaultModel();
        ModelEntry configured = catalog.find(defaultModel);
        if (configured == null) {
            configured = ModelEntry.passthrough(defaultModel, settings.provider());
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", defaultModel);
        root.put("provider", offline.getAsBoolean() ? "local" : configured.provider());
        // the default model's choices, as before the catalog (older consoles read these)
        root.set("sizes", sizes(configured));
        root.put("default_size", configured.defaultSize());
        root.put("max_prompt_length", configured.promptLimit());
        ArrayNode models = root.putArray("models");
        boolean listed = false;
        for (ModelEntry entry : catalog.entries()) {
            ModelEntry served = catalog.servedBy(entry, today);
            if (served != null) {
                models.add(model(entry, served));
                listed |= entry.name().equals(defaultModel);
            }
        }
        if (!listed) {
            models.insert(0, model(configured, configured));
        }
        ArrayNode warnings = root.putArray("model_warnings");
        if (watch != null) {
            watch.warnings().forEach(warnings::add);
            if (watch.checkedAt() != null) {
                root.put("models_checked_at", watch.checkedAt().toString());
            }
            if (watch.lastError() != null) {
                root.put("models_check_error", watch.lastError());
            }
        }
        root.put("catalog", catalog.source());
        root.put("inbox", settings.inboxEnabled());
        return root;
    }

    private static ObjectNode model(ModelEntry entry, ModelEntry served) {
        ObjectNode model = MAPPER.createObjectNode();
        model.put("id", entry.name());
        if (entry.description() != null) {
            model.put("description", entry.description());
        }
        model.put("lifecycle", entry.lifecycle().state().name().toLowerCase(java.util.Locale.ROOT));
        if (entry.lifecycle().shutdown() != null) {
            model.put("shutdown_date", entry.lifecycle().shutdown().toString());
        }
        if (served != entry) {
            model.put("served_by", served.name());
        }
        model.set("sizes", sizes(entry));
        model.put("size_rule", entry.sizes().describe());
        model.put("default_size", entry.defaultSize());
        model.put("max_prompt_length", entry.promptLimit());
        model.put("max_n", entry.imagesLimit());
        Set<String> qualities = entry.accepted("quality");
        if (qualities != null) {
            ArrayNode list = model.putArray("qualities");
            new TreeSet<>(qualities).forEach(list::add);
        }
        Set<String> formats = entry.accepted("output_format");
        if (formats != null) {
            ArrayNode list = model.putArray("output_formats");
            new TreeSet<>(formats).forEach(list::add);
        }
        return model;
    }

    private static ArrayNode sizes(ModelEntry entry) {
        ArrayNode sizes = MAPPER.createArrayNode();
        if (entry.sizes().presets().isEmpty()) {
            sizes.add(entry.defaultSize());
        } else {
            entry.sizes().presets().forEach(sizes::add);
        }
        return sizes;
    }

}
