package dev.imagegateway.provider.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageOptions;
import dev.imagegateway.pipeline.ServedModel;
import dev.imagegateway.provider.LiveDeployment;
import dev.imagegateway.provider.ProviderCall;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST {base}/images/generations} of OpenAI's images API (https://platform.openai.com/docs/api-reference/images/create),
 * the gateway's lingua franca: the request goes as it came, under the deployment's model id, with
 * {@code Authorization: Bearer} when the deployment has a key (an openai-compatible server may take none). Nothing
 * of the caller's reaches the upstream, and every try builds the call afresh from the exchange.
 */
public class OpenAiRequestBuilder implements Processor {

    private static final JsonFactory JSON = new JsonFactory();
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper(JSON);

    @Override
    public void process(Exchange exchange) {
        if (ProviderCall.request(exchange).isEdit()) {
            edit(exchange);
            return;
        }
        LiveDeployment deployment = ProviderCall.deployment(exchange);
        Message message = ProviderCall.aim(exchange, "POST", deployment.baseUrl() + "/images/generations", "application/json");
        byte[] body = body(ProviderCall.request(exchange), ProviderCall.upstreamModel(exchange), sendsResponseFormat(exchange));
        int partials = streamedPartials(exchange);
        if (partials > 0) {
            // the caller wants partial images and the model streams: ask for OpenAI's stream, read as it arrives
            String json = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            body = (json.substring(0, json.length() - 1) + ",\"stream\":true,\"partial_images\":" + partials + "}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            message.setHeader("Accept", "text/event-stream");
        }
        message.setBody(body);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        authorize(message, deployment);
    }

    /**
     * An edit: {@code POST {base}/images/edits} as a multipart form (https://platform.openai.com/docs/api-reference/images/createEdit):
     * the request's fields as text, each input image as an {@code image[]} file, the mask as {@code mask}.
     */
    private void edit(Exchange exchange) {
        LiveDeployment deployment = ProviderCall.deployment(exchange);
        GenerationRequest request = ProviderCall.request(exchange);
        dev.imagegateway.provider.MultipartBody form = new dev.imagegateway.provider.MultipartBody()
                .text("model", ProviderCall.upstreamModel(exchange))
                .text("prompt", request.prompt())
                .text("n", Integer.toString(request.count()))
                .text("size", request.size());
        ImageOptions options = request.options();
        for (String option : ModelEntry.OPTIONS) {
            form.text(option, options.get(option));
        }
        if (options.outputCompression() != null) {
            form.text("output_compression", Integer.toString(options.outputCompression()));
        }
        form.text("user", options.user()).text("input_fidelity", request.edit().inputFidelity());
        for (var extra : request.extra().entrySet()) {
            form.text(extra.getKey(), extra.getValue().isTextual() ? extra.getValue().asText() : extra.getValue().toString());
        }
        int partials = streamedPartials(exchange);
        if (partials > 0) {
            form.text("stream", "true").text("partial_images", Integer.toString(partials));
        }
        int index = 1;
        for (byte[] image : request.edit().images()) {
            dev.imagegateway.pipeline.ImageFormat format = dev.imagegateway.pipeline.ImageFormat.detect(image);
            form.file("image[]", "image-" + index++ + "." + format.extension(), format.mediaType(), image);
        }
        if (request.edit().mask() != null) {
            form.file("mask", "mask.png", "image/png", request.edit().mask());
        }
        Message message = ProviderCall.aim(exchange, "POST", deployment.baseUrl() + "/images/edits",
                partials > 0 ? "text/event-stream" : "application/json");
        message.setBody(form.bytes());
        message.setHeader(Exchange.CONTENT_TYPE, form.contentType());
        authorize(message, deployment);
    }

    /** {@code Authorization: Bearer} with the deployment's key; none without one (an openai-compatible server may take none). */
    private static void authorize(Message message, LiveDeployment deployment) {
        String key = deployment.apiKey();
        if (!key.isEmpty()) {
            message.setHeader("Authorization", "Bearer " + key);
        }
    }

    /** Partial images to ask the upstream to stream: the caller's wish, where the catalog says the model streams. */
    static int streamedPartials(Exchange exchange) {
        int wanted = dev.imagegateway.pipeline.ImageEvents.of(exchange).partialImages();
        ServedModel model = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
        return wanted > 0 && model != null && Boolean.TRUE.equals(model.served().streaming()) ? wanted : 0;
    }

    static boolean sendsResponseFormat(Exchange exchange) {
        ServedModel model = exchange.getProperty(ServedModel.PROPERTY, ServedModel.class);
        return model != null && model.served().sendsResponseFormat();
    }

    /** The body for the model that serves the request (its catalog upstream id). */
    public byte[] body(GenerationRequest request, ServedModel model) {
        return body(request, model.served().upstreamModel(), model.served().sendsResponseFormat());
    }

    /**
     * The upstream body: the model id, the prompt, n, size, every option the request set, and the fields the gateway
     * does not know, passed on as they came (the upstream judges them).
     */
    public static byte[] body(GenerationRequest request, String upstreamModel, boolean sendsResponseFormat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + request.prompt().length());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.setCodec(MAPPER);
            json.writeStartObject();
            json.writeStringField("model", upstreamModel);
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
            if (sendsResponseFormat) {
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
