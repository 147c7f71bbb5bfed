package dev.imagegateway.provider;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ServedModel;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What a provider's route works with, the same for every provider: the request as the deployment's model takes it, the
 * deployment (endpoint, credential, upstream model id), and one HTTP call at a time through camel-http. A provider route
 * sends to {@code ${exchangeProperty.gatewayUpstreamEndpoint}} (one endpoint per deployment, its pooled connections) and
 * the call's own URL travels in Camel's HTTP_URI and HTTP_QUERY headers, so a per-job URL (a BFL poll) makes no new
 * endpoint.
 */
public final class ProviderCall {

    /** Exchange property: the {@link GenerationRequest} the current deployment is asked for. */
    public static final String REQUEST = "gatewayRequest";
    /** Exchange property: how many calls the attempt makes (one per image where the provider has no {@code n}). */
    public static final String CALLS = "gatewayCalls";
    /** Exchange property: the model id the current deployment is asked for. */
    public static final String UPSTREAM_MODEL = "gatewayUpstreamModel";
    /** Exchange property: the camel-http endpoint of the current call (the deployment's scheme, host and port). */
    public static final String ENDPOINT = "gatewayUpstreamEndpoint";
    /** Exchange property: the images gathered over several calls of one attempt (providers without {@code n}). */
    private static final String GATHERED = "gatewayGatheredImages";

    private ProviderCall() {
    }

    public static GenerationRequest request(Exchange exchange) {
        return exchange.getProperty(REQUEST, GenerationRequest.class);
    }

    public static LiveDeployment deployment(Exchange exchange) {
        return exchange.getProperty(LiveDeployment.PROPERTY, LiveDeployment.class);
    }

    /** The id the provider knows the model by: the deployment's {@code upstream_model}, else the model's. */
    public static String upstreamModel(Exchange exchange) {
        String id = exchange.getProperty(UPSTREAM_MODEL, String.class);
        return id != null ? id : exchange.getProperty(ServedModel.PROPERTY, ServedModel.class).served().upstreamModel();
    }

    /**
     * Clears the message (nothing of the caller's reaches the upstream) and aims it: {@code method} to {@code url}, with
     * {@code accept}. The body and the provider's own headers are the caller's to set after.
     */
    public static Message aim(Exchange exchange, String method, String url, String accept) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        URI uri = URI.create(url);
        exchange.setProperty(ENDPOINT, uri.getScheme() + "://" + uri.getRawAuthority());
        String query = uri.getRawQuery();
        int cut = url.indexOf('?');
        message.setHeader(Exchange.HTTP_URI, cut >= 0 ? url.substring(0, cut) : url);
        if (query != null) {
            message.setHeader(Exchange.HTTP_QUERY, query);
        }
        message.setHeader(Exchange.HTTP_METHOD, method);
        message.setHeader("Accept", accept);
        if ("GET".equals(method)) {
            message.setBody(null);
        }
        return message;
    }

    /** Keeps the images of one call of several (one per image, for a provider without {@code n}). */
    public static void gather(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<GeneratedImage> gathered = exchange.getProperty(GATHERED, List.class);
        if (gathered == null) {
            gathered = new ArrayList<>();
            exchange.setProperty(GATHERED, gathered);
        }
        gathered.addAll(exchange.getMessage().getBody(GeneratedImages.class).list());
    }

    /** After the calls: every image gathered, as the attempt's answer. */
    public static void gathered(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<GeneratedImage> gathered = exchange.getProperty(GATHERED, List.class);
        exchange.removeProperty(GATHERED);
        exchange.getMessage().setBody(new GeneratedImages(gathered));
    }
}
