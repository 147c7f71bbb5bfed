package dev.imagegateway.openai;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.ServedModel;
import dev.imagegateway.rest.JsonResponses;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * OpenAI-compatible door, outbound: {@code {"created": epoch, "data": [{"b64_json" | "url", "revised_prompt"}]}},
 * followed by what the upstream said it produced and used ({@code background}, {@code output_format}, {@code quality},
 * {@code size}, {@code usage}) as OpenAI answers them.
 * With {@code url}, each points to the gateway's own {@code GET /images/{filename}}, where the image was saved. The
 * base64 goes out as the upstream's own bytes, wrapped, not copied (as in the REST door).
 */
public class OpenAiDoorResponseWriter implements Processor {

    private final Clock clock;

    public OpenAiDoorResponseWriter(Clock clock) {
        this.clock = clock;
    }

    public OpenAiDoorResponseWriter() {
        this(Clock.systemUTC());
    }

    @Override
    public void process(Exchange exchange) {
        GeneratedImages images = exchange.getMessage().getBody(GeneratedImages.class);
        if (exchange.getProperty(dev.imagegateway.pipeline.ImageEvents.PROPERTY) instanceof OpenAiSseStream stream) {
            stream.complete(images, exchange.getProperty(dev.imagegateway.gallery.ImageMetadata.REQUEST,
                    dev.imagegateway.pipeline.GenerationRequest.class), exchange.getProperty(ServedModel.PROPERTY, ServedModel.class));
            return;
        }
        boolean urls = OpenAiDoorRequestReader.URL.equals(exchange.getProperty(OpenAiDoorRequestReader.RESPONSE_FORMAT, String.class));
        if (urls && images.list().stream().anyMatch(image -> !image.isSaved())) {
            // never a link to a file that will not exist
            throw new GatewayException(ErrorKind.INTERNAL, "The image was generated but could not be saved, so it has no URL; "
                    + "try again, or ask for response_format=b64_json");
        }
        String base = exchange.getProperty(OpenAiDoorRequestReader.IMAGES_BASE_URL, String.class);
        // with the images in a bucket and IMAGE_URLS=presigned, the URL is the bucket's own (no gateway key needed)
        dev.imagegateway.gallery.ImageStore store = urls ? exchange.getContext().getRegistry()
                .lookupByNameAndType("imageStore", dev.imagegateway.gallery.ImageStore.class) : null;
        // room for every part: a composite with more parts than its maximum consolidates them, copying the 2 MB image
        CompositeByteBuf body = Unpooled.compositeBuffer(4 + 6 * images.size() + GeneratedImages.DETAILS.size());
        append(body, "{\"created\":" + clock.instant().getEpochSecond() + ",\"data\":[");
        boolean first = true;
        for (GeneratedImage image : images) {
            append(body, first ? "{" : ",{");
            first = false;
            if (urls) {
                String direct = store == null ? null : store.directUrl(image.filename());
                append(body, "\"url\":" + quote(direct != null ? direct : base + image.filename()));
            } else {
                append(body, "\"b64_json\":\"");
                body.addComponent(true, image.base64ByteBuf());
                append(body, "\"");
            }
            if (image.revisedPrompt() != null) {
                append(body, ",\"revised_prompt\":" + quote(image.revisedPrompt()));
            }
            append(body, "}");
        }
        append(body, "]");
        if (images.details() != null) {
            for (var detail : images.details().properties()) {
                append(body, "," + quote(detail.getKey()) + ":" + detail.getValue().toString());
            }
        }
        append(body, "}");
        JsonResponses.replyRaw(exchange, 200, Buffer.buffer(body));
        ServedModel.header(exchange);
    }

    private static void append(CompositeByteBuf body, String json) {
        body.addComponent(true, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
