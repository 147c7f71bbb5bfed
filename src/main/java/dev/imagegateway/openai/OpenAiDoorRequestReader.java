package dev.imagegateway.openai;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.models.ModelCatalogSource;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.rest.JsonRequestBody;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * OpenAI-compatible door, inbound: the body of OpenAI's {@code POST /v1/images/generations} becomes a
 * {@link GenerationRequest}; the shared route validates it against the model catalog. The reply's form ({@code url} or
 * {@code b64_json}) and the base of the URLs it will name travel as exchange properties, since the pipeline drops
 * every header.
 * <p>
 * A field the gateway does not know is passed on to the upstream as it came, which judges it: refusing what the
 * upstream would accept is worse than an upstream 400. {@code stream: true} answers server-sent events (OpenAiSseStream) (the gateway answered whole
 * images), and a field name that could not be a parameter is refused with OpenAI's own wording.
 */
public class OpenAiDoorRequestReader implements Processor {

    public static final String RESPONSE_FORMAT = "gatewayResponseFormat";
    public static final String IMAGES_BASE_URL = "gatewayImagesBaseUrl";
    public static final String URL = "url";
    public static final String B64_JSON = "b64_json";

    private static final Set<String> FIELDS = Set.of("prompt", "model", "n", "size", "quality", "style", "response_format",
            "user", "background", "moderation", "output_format", "output_compression", "stream", "partial_images");
    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final int MAX_EXTRA_FIELDS = 32;
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])(:[0-9]{1,5})?");

    private final ModelCatalogSource catalogs;
    private final String publicBaseUrl;
    private final String scheme;
    private final int httpPort;

    /**
     * @param publicBaseUrl where clients reach the gateway (PUBLIC_BASE_URL), or empty to take it from each request's
     *                      Host header
     */
    private long heartbeatSeconds = 10;

    /** Seconds between the comment lines that keep a stream's connection open while a provider works (OPENAI_STREAM_HEARTBEAT_SECONDS). */
    public OpenAiDoorRequestReader heartbeatEvery(long seconds) {
        this.heartbeatSeconds = Math.max(1, seconds);
        return this;
    }

    public OpenAiDoorRequestReader(ModelCatalogSource catalogs, String publicBaseUrl, boolean tls, int httpPort) {
        this.catalogs = catalogs;
        this.publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.trim().replaceAll("/+$", "");
        this.scheme = tls ? "https" : "http";
        this.httpPort = httpPort;
    }

    @Override
    public void process(Exchange exchange) {
        read(exchange, JsonRequestBody.object(exchange));
    }

    /** The request a JSON body (or an edit's form fields, as JSON) asks for, as the exchange's body. */
    void read(Exchange exchange, JsonNode json) {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (FIELDS.contains(name)) {
                continue;
            }
            if (!PARAMETER.matcher(name).matches() || extra.size() == MAX_EXTRA_FIELDS) {
                String printable = name.replaceAll("[^A-Za-z0-9_.-]", "?");
                String shown = printable.length() > 40 ? printable.substring(0, 40) : printable;
                throw GatewayException.invalid(shown, "Unrecognized request argument supplied: " + shown
                        + (printable.length() > 40 ? "..." : ""));
            }
            extra.put(name, field.getValue());
        }
        boolean stream = false;
        if (json.hasNonNull("stream")) {
            JsonNode value = json.get("stream");
            if (!value.isBoolean()) {
                throw GatewayException.invalid("stream", "Field 'stream' must be a boolean");
            }
            stream = value.booleanValue();
        }
        Integer partialImages = JsonRequestBody.integer(json, "partial_images");
        if (partialImages != null && (partialImages < 0 || partialImages > 3)) {
            throw GatewayException.invalid("partial_images", "Field 'partial_images' must be 0 to 3");
        }
        if (stream) {
            if (!(exchange.getMessage() instanceof org.apache.camel.component.platform.http.vertx.HttpMessage http)) {
                throw new IllegalStateException("stream: true needs the HTTP server's response");
            }
            if (URL.equals(JsonRequestBody.text(json, "response_format"))) {
                throw GatewayException.invalid("response_format", "A stream carries the images as b64_json; "
                        + "leave response_format out or set it to b64_json");
            }
            exchange.setProperty(dev.imagegateway.pipeline.ImageEvents.PROPERTY, new OpenAiSseStream(http.getResponse(),
                    partialImages == null ? 0 : partialImages, exchange.getProperty(dev.imagegateway.AccessLog.REQUEST_ID, String.class),
                    heartbeatSeconds));
        }
        String model = JsonRequestBody.text(json, "model");
        GenerationRequest request = new GenerationRequest(JsonRequestBody.text(json, "prompt"), JsonRequestBody.text(json, "size"),
                "openai", model, JsonRequestBody.integer(json, "n"), JsonRequestBody.options(json), extra);
        String format = responseFormat(JsonRequestBody.text(json, "response_format"), model);
        exchange.setProperty(RESPONSE_FORMAT, format);
        if (URL.equals(format)) {
            exchange.setProperty(IMAGES_BASE_URL, baseUrl(exchange.getMessage().getHeader("Host", String.class)) + "/images/");
        }
        if (exchange.getProperty(dev.imagegateway.pipeline.ImageEvents.PROPERTY) instanceof OpenAiSseStream sse) {
            sse.asked(request);
        }
        exchange.getMessage().setBody(request);
    }

    /**
     * The answer's form: as asked (the gateway serves its own URLs for every model, so {@code url} works whatever the
     * model), else OpenAI's default for the named model as the catalog gives it (URLs from DALL-E, base64 from GPT image).
     */
    String responseFormat(String requested, String model) {
        if (requested == null) {
            String effective = model == null || model.isBlank() ? catalogs.defaultModel() : model.trim();
            ModelEntry entry = catalogs.catalog().find(effective);
            return entry != null ? entry.doorResponseFormat() : B64_JSON;
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
