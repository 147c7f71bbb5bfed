package dev.imagegateway.rest;

import java.nio.charset.StandardCharsets;

import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.ServedModel;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * REST door, outbound: {@code 200 {"image": base64, "filename": name}} as the seed answered. The reply is a
 * composite buffer of a few bytes of JSON around the upstream's own base64 bytes, which Vert.x writes to the socket
 * as they are: base64 and our file names need no JSON escaping, so a 2 MB image costs no copy and no JSON
 * generator here.
 */
public class RestResponseWriter implements Processor {

    private static final byte[] IMAGE = "{\"image\":\"".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void process(Exchange exchange) {
        GeneratedImage image = exchange.getMessage().getBody(GeneratedImages.class).first();
        // an image that could not be saved has an empty filename, as the seed answers
        byte[] tail = ("\",\"filename\":\"" + image.filename() + "\"}").getBytes(StandardCharsets.US_ASCII);
        Buffer body = Buffer.buffer(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(IMAGE), image.base64ByteBuf(),
                Unpooled.wrappedBuffer(tail)));
        JsonResponses.replyRaw(exchange, 200, body);
        ServedModel.header(exchange);
    }
}
