package dev.imagegateway.provider.google;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.provider.Base64Images;
import dev.imagegateway.provider.UpstreamErrors;
import dev.imagegateway.provider.UpstreamReply;
import org.apache.camel.Exchange;

/**
 * Google's replies: Gemini's {@code candidates[].content.parts[].inlineData.{mimeType, data}} with
 * {@code usageMetadata} (prompt and candidates token counts, kept as the reply's usage), or Imagen's
 * {@code predictions[].bytesBase64Encoded}. A reply without an image is a safety refusal when Google says so (a
 * {@code promptFeedback.blockReason}, a {@code finishReason} of SAFETY, IMAGE_SAFETY, PROHIBITED_CONTENT..., or every
 * Imagen prediction filtered: {@code raiFilteredReason}), else a broken reply. Errors are {@code {"error": {"code",
 * "message", "status"}}}.
 */
public class GoogleResponseReader {

    public GeneratedImages toImages(UpstreamReply reply, Exchange exchange) throws IOException {
        if (reply.status() != 200) {
            throw UpstreamErrors.of(reply, exchange);
        }
        if (reply.body().length == 0) {
            throw UpstreamErrors.badResponse("Upstream returned an empty body");
        }
        Found found = new Found();
        try (JsonParser json = Base64Images.MAPPER.createParser(reply.body())) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw UpstreamErrors.badResponse("Upstream returned a body that is not a JSON object");
            }
            walk(json, reply.body(), found, null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream returned malformed JSON", null, e);
        }
        if (found.images.isEmpty()) {
            if (found.refusal != null) {
                throw UpstreamErrors.policy("Google's safety system refused the request (" + found.refusal + ")", exchange);
            }
            throw UpstreamErrors.badResponse(Base64Images.NO_IMAGE);
        }
        ObjectNode details = Base64Images.MAPPER.createObjectNode();
        if (found.inputTokens >= 0 || found.outputTokens >= 0) {
            ObjectNode usage = details.putObject("usage");
            usage.put("input_tokens", Math.max(0, found.inputTokens));
            usage.put("output_tokens", Math.max(0, found.outputTokens));
        }
        return new GeneratedImages(found.images, details);
    }

    private static final class Found {
        final List<GeneratedImage> images = new ArrayList<>(1);
        String refusal;
        long inputTokens = -1;
        long outputTokens = -1;
    }

    /** Walks one object, wherever it is, taking the fields that matter by name. */
    private static void walk(JsonParser json, byte[] body, Found found, String parent) throws IOException {
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if (value == JsonToken.START_OBJECT) {
                walk(json, body, found, field);
            } else if (value == JsonToken.START_ARRAY) {
                while (json.nextToken() != JsonToken.END_ARRAY) {
                    if (json.currentToken() == JsonToken.START_OBJECT) {
                        walk(json, body, found, field);
                    } else {
                        json.skipChildren();
                    }
                }
            } else if (value == JsonToken.VALUE_STRING && ("bytesBase64Encoded".equals(field)
                    || "data".equals(field) && ("inlineData".equals(parent) || "inline_data".equals(parent)))) {
                found.images.add(Base64Images.at(json, body));
            } else if (value == JsonToken.VALUE_STRING && ("blockReason".equals(field) || "raiFilteredReason".equals(field))) {
                found.refusal = "blockReason".equals(field) ? json.getText() : "filtered";
            } else if (value == JsonToken.VALUE_STRING && "finishReason".equals(field) && refusing(json.getText())) {
                found.refusal = json.getText();
            } else if (value == JsonToken.VALUE_NUMBER_INT && "usageMetadata".equals(parent)) {
                if ("promptTokenCount".equals(field)) {
                    found.inputTokens = json.getLongValue();
                } else if ("candidatesTokenCount".equals(field)) {
                    found.outputTokens = json.getLongValue();
                }
            }
        }
    }

    private static boolean refusing(String finishReason) {
        return switch (finishReason) {
            case "SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_PROHIBITED_CONTENT" -> true;
            default -> false;
        };
    }
}
