package dev.imagegateway.provider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.imagegateway.pipeline.GenerationRequest;
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

    private final String apiKey;
    private final String model;

    public OpenAiRequestBuilder(String apiKey, String model) {
        this.apiKey = apiKey;
        this.model = model;
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        GenerationRequest request = exchange.getProperty(REQUEST, GenerationRequest.class);
        message.removeHeaders("*");
        message.setBody(body(request));
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", "application/json");
        message.setHeader("Authorization", "Bearer " + apiKey);
    }

    byte[] body(GenerationRequest request) {
        String model = request.model() != null ? request.model() : this.model;
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + request.prompt().length());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("model", model);
            json.writeStringField("prompt", request.prompt());
            json.writeNumberField("n", request.count());
            json.writeStringField("size", request.size());
            optional(json, "quality", request.quality());
            optional(json, "style", request.style());
            optional(json, "user", request.user());
            // the gateway always takes the image itself (to save it); gpt-image models always answer base64 and
            // reject the parameter
            if (!model.startsWith("gpt-image")) {
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
