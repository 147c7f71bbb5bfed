package dev.imagegateway.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.RequestValidator;
import dev.imagegateway.pipeline.ServedModel;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Counts what a generation produced and used, by the model that served it: images, and the tokens of the reply's
 * {@code usage} ({@code gateway_tokens_total{model,kind}}), which the per-token prices of the catalog apply to.
 */
public class UsageMetrics implements Processor {

    private final GatewayMetrics metrics;

    public UsageMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        GeneratedImages images = exchange.getMessage().getBody(GeneratedImages.class);
        ServedModel model = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
        if (images == null || model == null) {
            return;
        }
        // a name the catalog does not list is the client's choice: one label for all of them, so that no client can
        // grow the metrics without bound
        String label = model.served().inCatalog() ? model.name() : "passthrough";
        metrics.imagesGenerated(label, model.provider(), images.size());
        JsonNode usage = images.usage();
        if (usage != null) {
            metrics.tokens(label, "input", usage.path("input_tokens").asLong(0));
            metrics.tokens(label, "output", usage.path("output_tokens").asLong(0));
        }
    }
}
