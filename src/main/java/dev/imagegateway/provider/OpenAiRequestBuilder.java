package dev.imagegateway.provider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageOptions;
import dev.imagegateway.pipeline.ServedModel;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Turns the validated request into the body and headers of {@code POST {base}/images/generations}.
 * The message carries nothing else: no header of the caller reaches the upstream. The request is read from the
 * exchange property {@value #REQUEST}, so that every retry builds the same call afresh.
 */
public class OpenAiRequestBuilder implements Processor {

    public static final String REQUEST = "gatewayRequest";
    private static final JsonFactory JSON = new JsonFactory();

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper(JSON);

    private final String apiKey;

    public OpenAiRequestBuilder(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        GenerationRequest request = exchange.getProperty(REQUEST, GenerationRequest.class);
        message.removeHeaders("*");
        message.setBody(body(request, exchange.getProperty(ServedModel.PROPERTY, ServedModel.class)));
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", "application/json");
        message.setHeader("Authorization", "Bearer " + apiKey);
    }

    /**
     * The upstream body: the serving model's upstream id, the prompt, n, size, every option the request set, and the
     * fields the gateway does not know, passed on as they came (the upstream judges them).
     */
    byte[] body(GenerationRequest request, ServedModel model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + request.prompt().length());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.setCodec(MAPPER);
            json.writeStartObject();
            json.writeStringField("model", model.served().upstreamModel());
            json.writeStringField("prompt", request.prompt());
            json.writeNumberField("n", request.count());
            json.writeStringField("size", request.size());
            ImageOptions options = request.options();
            for (String option : ModelEntry.OPTIONS) {
                optional(json, option, options.get(option));
            }
            if (options.outputCompression() != null) {
                json.writeNumberField("output_compression", options.outputCompression());
            }
            optional(json, "user", options.user());
            for (var extra : request.extra().entrySet()) {
                json.writeFieldName(extra.getKey());
                json.writeTree(extra.getValue());
            }
            // the gateway always takes the image itself (to save it): DALL-E needed asking for base64; GPT image
            // models always answer base64 and refuse the parameter (the catalog says which)
            if (model.served().sendsResponseFormat()) {
                json.writeStringField("response_format", "b64_json");
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void optional(JsonGenerator json, String field, String value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }
}
