package dev.imagegateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.pipeline.GenerationRequest;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class OpenAiRequestBuilderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenAiRequestBuilder builder = new OpenAiRequestBuilder("sk-upstream", "dall-e-3");

    private JsonNode body(GenerationRequest request) throws Exception {
        return JSON.readTree(builder.body(request));
    }

    @Test
    void theSeedsRequestIsOneImageOfTheConfiguredModelAsBase64() throws Exception {
        JsonNode body = body(new GenerationRequest("A fox", "1024x1024", "rest"));
        assertEquals("dall-e-3", body.get("model").asText());
        assertEquals("A fox", body.get("prompt").asText());
        assertEquals(1, body.get("n").asInt());
        assertEquals("1024x1024", body.get("size").asText());
        assertEquals("b64_json", body.get("response_format").asText());
        assertFalse(body.has("quality") || body.has("style") || body.has("user"));
    }

    @Test
    void theClientsModelAndOptionsAreSentAsGiven() throws Exception {
        JsonNode body = body(new GenerationRequest("Cats", "512x512", "openai", "dall-e-2", 3, "standard", null, "u-7"));
        assertEquals("dall-e-2", body.get("model").asText());
        assertEquals(3, body.get("n").asInt());
        assertEquals("standard", body.get("quality").asText());
        assertEquals("u-7", body.get("user").asText());
        assertFalse(body.has("style"));
    }

    @Test
    void gptImageModelsGetNoResponseFormat() throws Exception {
        JsonNode body = body(new GenerationRequest("x", "auto", "openai", "gpt-image-1", 1, "high", null, null));
        assertNull(body.get("response_format"));
    }

    @Test
    void onlyTheGatewaysOwnHeadersGoUpstream() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(OpenAiRequestBuilder.REQUEST, new GenerationRequest("x", "1024x1024", "rest"));
        exchange.getMessage().setHeader("X-API-KEY", "gateway-key");
        exchange.getMessage().setHeader("Authorization", "Bearer gateway-key");
        builder.process(exchange);
        assertEquals("Bearer sk-upstream", exchange.getMessage().getHeader("Authorization"));
        assertNull(exchange.getMessage().getHeader("X-API-KEY"));
        assertEquals("POST", exchange.getMessage().getHeader(Exchange.HTTP_METHOD));
    }
}
