package dev.imagegateway.rest;

import dev.imagegateway.pipeline.GeneratedImage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** REST door, outbound: {@code 200 {"image": base64, "filename": name}} as the seed answered. */
public class RestResponseWriter implements Processor {

    @Override
    public void process(Exchange exchange) {
        GeneratedImage image = exchange.getMessage().getBody(GeneratedImage.class);
        JsonResponses.reply(exchange, 200, "image", image.base64(), "filename", image.filename());
    }
}
