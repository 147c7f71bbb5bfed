package dev.imagegateway.web;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.config.GatewaySettings;
import dev.imagegateway.pipeline.ModelCatalog;
import dev.imagegateway.rest.JsonResponses;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /api/info}: what the web console needs to offer the right choices (the model, its sizes and longest
 * prompt, whether the inbox is on). The console also calls it to check a key as soon as it is entered.
 */
public class ConsoleInfo implements Processor {

    private final byte[] json;

    public ConsoleInfo(GatewaySettings settings) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ModelCatalog.ModelLimits limits = ModelCatalog.limits(settings.model());
        root.put("model", settings.model());
        root.put("provider", settings.provider());
        var sizes = root.putArray("sizes");
        if (limits.sizes().isEmpty()) {
            sizes.add(ModelCatalog.DEFAULT_SIZE);
        } else {
            limits.sizes().forEach(sizes::add);
        }
        root.put("default_size", ModelCatalog.DEFAULT_SIZE);
        root.put("max_prompt_length", limits.maxPromptLength());
        root.put("inbox", settings.inboxEnabled());
        try {
            this.json = mapper.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void process(Exchange exchange) {
        JsonResponses.replyRaw(exchange, 200, Buffer.buffer(json));
        exchange.getMessage().setHeader("Cache-Control", "no-store");
    }
}
