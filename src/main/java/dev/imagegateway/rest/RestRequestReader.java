package dev.imagegateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagegateway.pipeline.GenerationRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * REST door, inbound: the JSON body {@code {"prompt": "...", "size": "..."}} becomes a {@link GenerationRequest};
 * beside the seed's fields it takes the optional {@code model}, {@code quality}, {@code style}, {@code background},
 * {@code moderation}, {@code output_format}, {@code output_compression} and {@code user}. Other fields are ignored, as
 * the seed's Flask app ignored them. Everything the client got wrong is a 400 (or 415 for a body that is not JSON at
 * all), never a 500.
 */
public class RestRequestReader implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(read(JsonRequestBody.object(exchange)));
    }

    GenerationRequest read(byte[] body) {
        return read(JsonRequestBody.object(body));
    }

    private static GenerationRequest read(JsonNode json) {
        return new GenerationRequest(JsonRequestBody.text(json, "prompt"), JsonRequestBody.text(json, "size"), "rest",
                JsonRequestBody.text(json, "model"), null, JsonRequestBody.options(json));
    }
}
