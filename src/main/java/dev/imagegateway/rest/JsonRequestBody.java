package dev.imagegateway.rest;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;

/**
 * Reads the JSON object an HTTP door received. Everything the client got wrong is a 400 naming the field (or 415 for
 * a body that is not JSON at all), never a 500.
 */
public final class JsonRequestBody {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonRequestBody() {
    }

    /** The request body as a JSON object. */
    public static JsonNode object(Exchange exchange) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        // a form post would reach us already decoded into a Map: refuse it rather than guess
        if (contentType != null && !contentType.toLowerCase().contains("json")) {
            throw new GatewayException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        return object(exchange.getMessage().getBody(byte[].class));
    }

    static JsonNode object(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayException.invalid(null, "Request body must be a JSON object with a 'prompt'");
        }
        if (!isUtf8(body)) {
            // Jackson would read an overlong form (C0 AF) as '/': a way around every check on the text
            throw GatewayException.invalid(null, "Request body is not valid UTF-8");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw GatewayException.invalid(null, "Request body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw GatewayException.invalid(null, "Request body must be a JSON object");
        }
        return json;
    }

    /** True when the bytes are well-formed UTF-8: no overlong forms, surrogates or truncated sequences. */
    public static boolean isUtf8(byte[] bytes) {
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** A string field; absent or null is null. */
    public static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw GatewayException.invalid(field, "Field '" + field + "' must be a string");
        }
        return value.textValue();
    }

    /**
     * The optional generation settings every JSON door accepts beside prompt, size and model: quality, style,
     * background, moderation, output_format, output_compression and user.
     */
    public static dev.imagegateway.pipeline.ImageOptions options(JsonNode json) {
        return new dev.imagegateway.pipeline.ImageOptions(text(json, "quality"), text(json, "style"),
                text(json, "background"), text(json, "moderation"), text(json, "output_format"),
                integer(json, "output_compression"), text(json, "user"));
    }

    /** A whole-number field; absent or null is null. */
    public static Integer integer(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw GatewayException.invalid(field, "Field '" + field + "' must be a whole number");
        }
        return value.intValue();
    }
}
