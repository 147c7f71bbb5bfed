package dev.imagegateway.provider.stability;

import java.io.IOException;
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
 * Stability's reply: {@code {"image": base64, "finish_reason": SUCCESS | CONTENT_FILTERED, "seed"}} (or the image's
 * own bytes, when a server answers image/*). Its refusals: 403 is its content moderation ("You were not charged"),
 * CONTENT_FILTERED an output it filtered, both the client's 400; 402 no credits and 401 a bad key are configuration
 * errors; errors are {@code {"id", "name", "errors": [...]}}.
 */
public class StabilityResponseReader {

    public GeneratedImages toImages(UpstreamReply reply, Exchange exchange) throws IOException {
        if (reply.status() == 403) {
            throw UpstreamErrors.policy(UpstreamErrors.read(reply.body()).message(), exchange);
        }
        if (reply.status() != 200) {
            throw UpstreamErrors.of(reply, exchange);
        }
        if (reply.contentType().startsWith("image/")) {
            return new GeneratedImages(List.of(Base64Images.raw(reply.body())));
        }
        GeneratedImage image = null;
        String finish = null;
        try (JsonParser json = Base64Images.MAPPER.createParser(reply.body())) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw UpstreamErrors.badResponse("Upstream returned a body that is not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("image".equals(field) && value == JsonToken.VALUE_STRING) {
                    image = Base64Images.at(json, reply.body());
                } else if ("finish_reason".equals(field) && value == JsonToken.VALUE_STRING) {
                    finish = json.getText();
                } else {
                    json.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream returned malformed JSON", null, e);
        }
        if ("CONTENT_FILTERED".equals(finish)) {
            throw UpstreamErrors.policy("Stability's content filter removed the image", exchange);
        }
        if (image == null) {
            throw UpstreamErrors.badResponse(Base64Images.NO_IMAGE);
        }
        return new GeneratedImages(List.of(image));
    }
}
