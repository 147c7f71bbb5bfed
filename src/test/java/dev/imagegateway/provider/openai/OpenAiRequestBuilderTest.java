package dev.imagegateway.provider.openai;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.models.TestCatalogs;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageOptions;
import dev.imagegateway.pipeline.RequestValidator;
import dev.imagegateway.provider.LiveDeployment;
import dev.imagegateway.provider.ProviderCall;
import dev.imagegateway.provider.ProviderDefaults;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class OpenAiRequestBuilderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenAiRequestBuilder builder = new OpenAiRequestBuilder();
    private final RequestValidator validator = new RequestValidator(TestCatalogs.of("""
            models:
              gpt-image-2.6-flare: {provider: openai, style: []}
              legacy-dalle: {provider: openai, upstream_model: dall-e-3, response_format: true, sizes: [1024x1024, 1792x1024]}
              dall-e-3: {provider: openai, retired: gpt-image-2.6-flare, sizes: [1024x1024, 1792x1024], quality_map: {hd: high}}
            """), true, "openai", TestCatalogs.on("2026-11-26"));

    /** The body sent upstream for a request, as the pipeline builds it: validated first, then built. */
    private JsonNode body(GenerationRequest request) throws Exception {
        RequestValidator.Validated valid = validator.validate(request);
        return JSON.readTree(builder.body(valid.request(), valid.model()));
    }

    @Test
    void theSeedsRequestIsOneImageOfTheConfiguredModelWithoutResponseFormat() throws Exception {
        JsonNode body = body(new GenerationRequest("A fox", "1024x1024", "rest"));
        assertEquals("gpt-image-2.6-flare", body.get("model").asText());
        assertEquals("A fox", body.get("prompt").asText());
        assertEquals(1, body.get("n").asInt());
        assertEquals("1024x1024", body.get("size").asText());
        // GPT image models answer base64 and refuse the parameter
        assertNull(body.get("response_format"));
        assertFalse(body.has("quality") || body.has("style") || body.has("user") || body.has("background"));
    }

    @Test
    void everyOptionIsSentAsGiven() throws Exception {
        JsonNode body = body(new GenerationRequest("Cats", "1536x1024", "openai", null, 3,
                new ImageOptions("high", null, "transparent", "low", "webp", 70, "u-7")));
        assertEquals(3, body.get("n").asInt());
        assertEquals("high", body.get("quality").asText());
        assertEquals("transparent", body.get("background").asText());
        assertEquals("low", body.get("moderation").asText());
        assertEquals("webp", body.get("output_format").asText());
        assertEquals(70, body.get("output_compression").asInt());
        assertEquals("u-7", body.get("user").asText());
    }

    @Test
    void theUpstreamIdOfTheCatalogIsSentAndResponseFormatWhereTheCatalogSaysSo() throws Exception {
        JsonNode body = body(new GenerationRequest("x", "1792x1024", "openai", "legacy-dalle", 1, null));
        assertEquals("dall-e-3", body.get("model").asText());
        assertEquals("b64_json", body.get("response_format").asText());
    }

    @Test
    void aShutDownNameSendsItsTargetWithMappedOptions() throws Exception {
        JsonNode body = body(new GenerationRequest("x", "1792x1024", "openai", "dall-e-3", 1, new ImageOptions("hd", "vivid", null, null, null, null, null)));
        assertEquals("gpt-image-2.6-flare", body.get("model").asText());
        assertEquals("high", body.get("quality").asText());
        assertEquals("1792x1024", body.get("size").asText());
        assertFalse(body.has("style"));
        assertNull(body.get("response_format"));
    }

    @Test
    void fieldsTheGatewayDoesNotKnowArePassedOnAsTheyCame() throws Exception {
        JsonNode extra = JSON.readTree("{\"complexity\": \"low\", \"tags\": [1, {\"a\": true}]}");
        JsonNode body = body(new GenerationRequest("x", null, "openai", null, 1, null,
                Map.of("complexity", extra.get("complexity"), "tags", extra.get("tags"))));
        assertEquals("low", body.get("complexity").asText());
        assertEquals(extra.get("tags"), body.get("tags"));
    }

    @Test
    void onlyTheGatewaysOwnHeadersGoUpstream() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        RequestValidator.Validated valid = validator.validate(new GenerationRequest("x", "1024x1024", "rest"));
        ProviderDefaults openai = new ProviderDefaults();
        openai.setName("openai");
        openai.setBaseUrlSetting("openai.base-url");
        openai.setApiKeySetting("openai.api-key");
        exchange.setProperty(LiveDeployment.PROPERTY, LiveDeployment.standalone(valid.model().served().deployments().get(0), openai,
                name -> name.equals("openai.api-key") ? "sk-upstream" : name.equals("openai.base-url") ? "https://api.openai.com/v1/" : null));
        exchange.setProperty(ProviderCall.REQUEST, valid.request());
        exchange.setProperty(dev.imagegateway.pipeline.ServedModel.PROPERTY, valid.model());
        exchange.getMessage().setHeader("X-API-KEY", "gateway-key");
        exchange.getMessage().setHeader("Authorization", "Bearer gateway-key");
        builder.process(exchange);
        assertEquals("Bearer sk-upstream", exchange.getMessage().getHeader("Authorization"));
        assertNull(exchange.getMessage().getHeader("X-API-KEY"));
        assertEquals("POST", exchange.getMessage().getHeader(Exchange.HTTP_METHOD));
        assertEquals("https://api.openai.com/v1/images/generations", exchange.getMessage().getHeader(Exchange.HTTP_URI));
        assertEquals("https://api.openai.com", exchange.getProperty(ProviderCall.ENDPOINT));
    }
}
