package dev.imagegateway.pipeline;

import dev.imagegateway.models.ModelEntry;

/**
 * Which model a request named and who served it: the model the validator resolved through the catalog (the same entry
 * for an active model, its replacement for a shut-down one, a pass-through entry for a model the catalog does not list),
 * then, once a deployment answered, that deployment and its provider (a fallback model when the named one's deployments
 * all failed). Kept on the exchange for the provider, the response headers, the metadata, the access log and the metrics.
 *
 * @param requested  the name the request gave (or the configured default)
 * @param named      its catalog entry (a pass-through entry when the catalog does not list it)
 * @param served     the entry whose upstream model is called
 * @param provider   the provider that served it; before an answer, the served entry's first
 * @param deployment the deployment that served it, or null before an answer
 */
public record ServedModel(String requested, ModelEntry named, ModelEntry served, String provider, String deployment) {

    /** Exchange property holding the ServedModel of the request. */
    public static final String PROPERTY = "gatewayServedModel";
    /** The HTTP response header (and gRPC response metadata key) that names the model that served a request. */
    public static final String HEADER = "x-gateway-model";
    public static final String PROVIDER_HEADER = "x-gateway-provider";
    public static final String DEPLOYMENT_HEADER = "x-gateway-deployment";

    public ServedModel(String requested, ModelEntry named, ModelEntry served) {
        this(requested, named, served, served.provider(), null);
    }

    /** The same request, served by {@code entry} on {@code deploymentName} of {@code providerName}. */
    public ServedModel by(ModelEntry entry, String providerName, String deploymentName) {
        return new ServedModel(requested, named, entry, providerName, deploymentName);
    }

    /** Sets the three x-gateway-* headers on an HTTP reply of an exchange the pipeline served. */
    public static void header(org.apache.camel.Exchange exchange) {
        ServedModel model = exchange.getProperty(PROPERTY, ServedModel.class);
        if (model != null) {
            exchange.getMessage().setHeader(HEADER, model.name());
            if (model.deployment() != null) {
                exchange.getMessage().setHeader(PROVIDER_HEADER, model.provider());
                exchange.getMessage().setHeader(DEPLOYMENT_HEADER, model.deployment());
            }
        }
    }

    public boolean mapped() {
        return named != served;
    }

    public String name() {
        return served.name();
    }
}
