package dev.imagegateway.pipeline;

import dev.imagegateway.models.ModelEntry;

/**
 * Which model a request named and which serves it, as the validator resolved them through the catalog: the same
 * entry for an active model, its replacement for a shut-down one, a pass-through entry for a model the catalog does not
 * list. Kept on the exchange for the provider, the response headers, the metadata and the metrics.
 *
 * @param requested the name the request gave (or the configured default)
 * @param named     its catalog entry (a pass-through entry when the catalog does not list it)
 * @param served    the entry whose upstream model is called
 */
public record ServedModel(String requested, ModelEntry named, ModelEntry served) {

    /** Exchange property holding the ServedModel of the request. */
    public static final String PROPERTY = "gatewayServedModel";
    /** The HTTP response header (and gRPC response metadata key) that names the model that served a request. */
    public static final String HEADER = "x-gateway-model";

    /** Sets {@link #HEADER} on an HTTP reply of an exchange the pipeline served. */
    public static void header(org.apache.camel.Exchange exchange) {
        ServedModel model = exchange.getProperty(PROPERTY, ServedModel.class);
        if (model != null) {
            exchange.getMessage().setHeader(HEADER, model.name());
        }
    }

    public boolean mapped() {
        return named != served;
    }

    public String name() {
        return served.name();
    }
}
