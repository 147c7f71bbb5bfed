package dev.imagegateway.provider.openai;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.provider.Base64Images;
import dev.imagegateway.provider.UpstreamErrors;
import dev.imagegateway.provider.UpstreamReply;
import org.apache.camel.Exchange;

/**
 * OpenAI's images reply ({@code {"created", "data": [{"b64_json", "revised_prompt"}], "usage", ...}}): on 200 the
 * images of {@code data}, each taken once from its base64 text; on any other status the contract's failure with the
 * upstream's message (never a key). Azure OpenAI answers the same shape, with content filtering as its own error code.
 */
public class OpenAiResponseReader {

    public GeneratedImages toImages(UpstreamReply reply, Exchange exchange) throws IOException {
        if (reply.status() != 200) {
            UpstreamErrors.Detail detail = UpstreamErrors.read(reply.body());
            if (reply.status() == 400 && ("contentFilter".equals(detail.code()) || "ResponsibleAIPolicyViolation".equals(detail.code()))) {
                // Azure's content filter: a policy refusal like OpenAI's content_policy_violation
                throw UpstreamErrors.policy(detail.message(), exchange);
            }
            throw UpstreamErrors.of(reply, detail, exchange);
        }
        return readImages(reply.body());
    }

    /**
     * Finds each {@code data[i].b64_json} without materialising it; {@code revised_prompt} comes along when the model
     * gave one, and the fields beside the images (usage, size, quality...) as details.
     */
    GeneratedImages readImages(byte[] body) throws IOException {
        if (body.length == 0) {
            throw UpstreamErrors.badResponse("Upstream returned an empty body");
        }
        try (JsonParser json = Base64Images.MAPPER.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw UpstreamErrors.badResponse("Upstream returned a body that is not a JSON object");
            }
            List<GeneratedImage> images = null;
            com.fasterxml.jackson.databind.node.ObjectNode details = Base64Images.MAPPER.createObjectNode();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("data".equals(field) && value == JsonToken.START_ARRAY) {
                    images = images(json, body);
                } else if (GeneratedImages.DETAILS.contains(field)
                        && (value == JsonToken.START_OBJECT ? "usage".equals(field) : value == JsonToken.VALUE_STRING)) {
                    details.set(field, json.readValueAsTree());
                } else {
                    json.skipChildren();
                }
            }
            if (images != null) {
                return new GeneratedImages(images, details);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream returned malformed JSON", null, e);
        }
        throw UpstreamErrors.badResponse(Base64Images.NO_IMAGE);
    }

    private static List<GeneratedImage> images(JsonParser json, byte[] body) throws IOException {
        List<GeneratedImage> images = new ArrayList<>(1);
        while (json.nextToken() == JsonToken.START_OBJECT) {
            GeneratedImage image = null;
            String revisedPrompt = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("b64_json".equals(field) && value == JsonToken.VALUE_STRING) {
                    image = Base64Images.at(json, body);
                } else if ("revised_prompt".equals(field) && value == JsonToken.VALUE_STRING) {
                    revisedPrompt = json.getText();
                } else {
                    json.skipChildren();
                }
            }
            if (image == null) {
                // an entry with a URL only, or nothing: we cannot save or return what we do not have
                throw UpstreamErrors.badResponse(Base64Images.NO_IMAGE);
            }
            images.add(image.withRevisedPrompt(revisedPrompt));
        }
        if (images.isEmpty()) {
            throw UpstreamErrors.badResponse(Base64Images.NO_IMAGE);
        }
        return images;
    }
}
