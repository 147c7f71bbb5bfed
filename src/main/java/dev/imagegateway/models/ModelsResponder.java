package dev.imagegateway.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.rest.JsonResponses;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * OpenAI's {@code GET /v1/models} and {@code GET /v1/models/{id}} over the catalog: every name a client can use today
 * (aliases of shut-down models included, those the catalog refuses left out), in OpenAI's shape, so that an SDK's
 * {@code models.list()} and {@code models.retrieve()} work. {@code shutdown_date} is OpenAI's own field; a mapped name
 * also says which model serves it ({@code served_by}).
 */
public class ModelsResponder implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ModelCatalogSource catalogs;
    private final Clock clock;

    public ModelsResponder(ModelCatalogSource catalogs, Clock clock) {
        this.catalogs = catalogs;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        ModelCatalog catalog = catalogs.catalog();
        LocalDate today = LocalDate.now(clock);
        String id = idFromPath(exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class),
                exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class));
        ObjectNode body;
        if (id == null) {
            body = MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = body.putArray("data");
            for (ModelEntry entry : catalog.entries()) {
                ModelEntry served = catalog.servedBy(entry, today);
                if (served != null) {
                    data.add(model(entry, served));
                }
            }
        } else {
            ModelEntry entry = catalog.find(id);
            ModelEntry served = entry == null ? null : catalog.servedBy(entry, today);
            if (served == null) {
                String shown = id.replaceAll("[^A-Za-z0-9._:-]", "?");
                throw new GatewayException(ErrorKind.NOT_FOUND, "The model `" + (shown.length() > 64 ? shown.substring(0, 64) : shown)
                        + "` does not exist or is not served by this gateway", null, null, 0, "model", "model_not_found");
            }
            body = model(entry, served);
        }
        try {
            JsonResponses.replyRaw(exchange, 200, Buffer.buffer(MAPPER.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The model id of {@code /v1/models/{id}}, from the request's path only (a query parameter or header named
     * {@code id} must not turn the list into a lookup); null for the list.
     */
    static String idFromPath(String path, String uri) {
        String full = uri != null ? uri : path;
        if (full == null) {
            return null;
        }
        int query = full.indexOf('?');
        String clean = query >= 0 ? full.substring(0, query) : full;
        int at = clean.indexOf("/v1/models/");
        if (at < 0) {
            return null;
        }
        String id = java.net.URLDecoder.decode(clean.substring(at + "/v1/models/".length()).replace("+", "%2B"),
                java.nio.charset.StandardCharsets.UTF_8);
        return id.isEmpty() ? null : id;
    }

    private static ObjectNode model(ModelEntry entry, ModelEntry served) {
        ObjectNode model = MAPPER.createObjectNode();
        model.put("id", entry.name());
        model.put("object", "model");
        model.put("created", entry.released() != null ? entry.released().atStartOfDay(ZoneOffset.UTC).toEpochSecond() : 0);
        model.put("owned_by", entry.provider());
        Lifecycle life = entry.lifecycle();
        if (life.state() == Lifecycle.State.DEPRECATED) {
            model.put("shutdown_date", life.shutdown().toString());
        } else {
            model.putNull("shutdown_date");
        }
        if (served != entry) {
            model.put("served_by", served.name());
        }
        return model;
    }
}
