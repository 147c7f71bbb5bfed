package dev.imagegateway.openai;

import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.rest.JsonRequestBody;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * OpenAI-compatible door, inbound: the body of OpenAI's {@code POST /v1/images/generations} becomes a
 * {@link GenerationRequest}; the shared route validates it per model. The reply's form ({@code url} or
 * {@code b64_json}) and the base of the URLs it will name travel as exchange properties, since the pipeline drops
 * every header.
 * <p>
 * A field OpenAI's API has but the gateway does not serve (background, output_format, stream...) is refused with
 * OpenAI's own wording rather than silently ignored: the client would get something other than it asked for.
 */
public class OpenAiDoorRequestReader implements Processor {

    public static final String RESPONSE_FORMAT = "gatewayResponseFormat";
    public static final String IMAGES_BASE_URL = "gatewayImagesBaseUrl";
    public static final String URL = "url";
    public static final String B64_JSON = "b64_json";

    private static final Set<String> FIELDS = Set.of("prompt", "model", "n", "size", "quality", "style", "response_format", "user");
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])(:[0-9]{1,5})?");

    private final String defaultModel;
    private final String publicBaseUrl;
    private final String scheme;
    private final int httpPort;

    /**
     * @param publicBaseUrl where clients reach the gateway (PUBLIC_BASE_URL), or empty to take it from each request's
     *                      Host header
     */
    public OpenAiDoorRequestReader(String defaultModel, String publicBaseUrl, boolean tls, int httpPort) {
        this.defaultModel = defaultModel;
        this.publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.replaceAll("/+$", "");
        this.scheme = tls ? "https" : "http";
        this.httpPort = httpPort;
    }

    @Override
    public void process(Exchange exchange) {
        JsonNode json = JsonRequestBody.object(exchange);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                String printable = name.replaceAll("[^A-Za-z0-9_.-]", "?");
                String shown = printable.length() > 40 ? printable.substring(0, 40) : printable;
                throw GatewayException.invalid(shown, "Unrecognized request argument supplied: " + shown
                        + (printable.length() > 40 ? "..." : ""));
            }
        }
        GenerationRequest request = new GenerationRequest(JsonRequestBody.text(json, "prompt"), JsonRequestBody.text(json, "size"),
                "openai", JsonRequestBody.text(json, "model"), JsonRequestBody.integer(json, "n"),
                JsonRequestBody.text(json, "quality"), JsonRequestBody.text(json, "style"), JsonRequestBody.text(json, "user"));
        String format = responseFormat(JsonRequestBody.text(json, "response_format"), request.model());
        exchange.setProperty(RESPONSE_FORMAT, format);
        if (URL.equals(format)) {
            exchange.setProperty(IMAGES_BASE_URL, baseUrl(exchange.getMessage().getHeader("Host", String.class)) + "/images/");
        }
        exchange.getMessage().setBody(request);
    }

    /** OpenAI's default: URLs from the DALL-E models, base64 from the gpt-image ones (which have no URLs). */
    String responseFormat(String requested, String model) {
        if (requested == null) {
            String effective = model == null || model.isBlank() ? defaultModel : model.trim();
            return effective.startsWith("gpt-image") ? B64_JSON : URL;
        }
        if (!URL.equals(requested) && !B64_JSON.equals(requested)) {
            throw GatewayException.invalid("response_format", "Field 'response_format' must be 'url' or 'b64_json'");
        }
        return requested;
    }

    /** The configured public URL, else the one the client used to reach us (a Host header of any other shape is ignored). */
    String baseUrl(String host) {
        if (!publicBaseUrl.isEmpty()) {
            return publicBaseUrl;
        }
        String authority = host != null && HOST.matcher(host).matches() ? host : "localhost:" + httpPort;
        return scheme + "://" + authority;
    }
}
