package dev.imagegateway.rest;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GenerationRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * REST door, inbound: the JSON body {@code {"prompt": "...", "size": "..."}} becomes a {@link GenerationRequest}.
 * Everything the client got wrong is a 400 (or 415 for a body that is not JSON at all), never a 500.
 */
public class RestRequestReader implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public void process(Exchange exchange) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        // a form post would reach us already decoded into a Map: refuse it rather than guess
        if (contentType != null && !contentType.toLowerCase().contains("json")) {
            throw new GatewayException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().setBody(read(body));
    }

    GenerationRequest read(byte[] body) {
        if (body == null || body.length == 0) {
            throw invalid("Request body must be a JSON object with a 'prompt'");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw invalid("Request body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw invalid("Request body must be a JSON object");
        }
        return new GenerationRequest(text(json, "prompt"), text(json, "size"), "rest");
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("Field '" + field + "' must be a string");
        }
        return value.textValue();
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorKind.INVALID_ARGUMENT, message);
    }
}
