package dev.imagegateway.openai;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.ImageFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiDoorResponseWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenAiDoorResponseWriter writer =
            new OpenAiDoorResponseWriter(Clock.fixed(Instant.ofEpochSecond(1704115200), ZoneOffset.UTC));

    private static GeneratedImage image(int seed, String name, String revised) {
        byte[] bytes = new byte[64];
        bytes[0] = (byte) seed;
        return GeneratedImage.of(bytes, Base64.getEncoder().encodeToString(bytes)).named(ImageFormat.PNG, name)
                .withRevisedPrompt(revised);
    }

    private Exchange write(GeneratedImages images, String format, String base) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(OpenAiDoorRequestReader.RESPONSE_FORMAT, format);
        exchange.setProperty(OpenAiDoorRequestReader.IMAGES_BASE_URL, base);
        exchange.getMessage().setHeader("Authorization", "Bearer gateway-key");
        exchange.getMessage().setBody(images);
        writer.process(exchange);
        return exchange;
    }

    private static JsonNode json(Exchange exchange) throws Exception {
        Buffer body = exchange.getMessage().getBody(Buffer.class);
        return JSON.readTree(body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void base64RepliesCarryEachImageAndItsRevisedPrompt() throws Exception {
        GeneratedImages images = GeneratedImages.of(image(1, "a.png", "A \"quoted\"\nprompt </script>"), image(2, "b.png", null));
        Exchange exchange = write(images, "b64_json", null);

        assertEquals(200, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertFalse(exchange.getMessage().hasHeaders() && exchange.getMessage().getHeader("Authorization") != null);
        JsonNode body = json(exchange);
        assertEquals(1704115200, body.get("created").asLong());
        assertEquals(2, body.get("data").size());
        assertArrayEquals(images.first().bytes(), Base64.getDecoder().decode(body.get("data").get(0).get("b64_json").asText()));
        assertEquals("A \"quoted\"\nprompt </script>", body.get("data").get(0).get("revised_prompt").asText());
        assertFalse(body.get("data").get(1).has("revised_prompt"));
        assertFalse(body.get("data").get(0).has("url"));
    }

    @Test
    void urlRepliesNameTheGatewaysOwnFiles() throws Exception {
        JsonNode body = json(write(GeneratedImages.of(image(1, "1704115200_0123456789ab.png", null)), "url", "https://img.example.com/images/"));
        assertEquals("https://img.example.com/images/1704115200_0123456789ab.png", body.get("data").get(0).get("url").asText());
        assertFalse(body.get("data").get(0).has("b64_json"));
    }

    /** The base64 goes out as the pipeline's own bytes: a composite that consolidated its parts would have copied them. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10})
    void theImagesAreNotCopied(int n) {
        GeneratedImage[] images = new GeneratedImage[n];
        for (int i = 0; i < n; i++) {
            images[i] = image(i, i + ".png", i % 2 == 0 ? "revised " + i : null);
        }
        Buffer body = write(GeneratedImages.of(images), "b64_json", null).getMessage().getBody(Buffer.class);
        ByteBuf bytes = body.getByteBuf();
        ByteBuf unwrapped = bytes;
        while (!(unwrapped instanceof CompositeByteBuf) && unwrapped.unwrap() != null) {
            unwrapped = unwrapped.unwrap(); // Vert.x hands out a slice of the buffer it holds
        }
        assertTrue(unwrapped instanceof CompositeByteBuf, unwrapped.getClass().getName());
        CompositeByteBuf composite = (CompositeByteBuf) unwrapped;
        for (GeneratedImage image : images) {
            byte[] base64 = image.base64ByteBuf().array();
            boolean shared = false;
            for (int i = 0; i < composite.numComponents(); i++) {
                ByteBuf part = composite.component(i);
                shared |= part.hasArray() && part.array() == base64;
            }
            assertTrue(shared, "the base64 of " + image.filename() + " was copied");
        }
    }
}
