package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway with its own catalog file (MODELS_FILE, no pass-through): the upstream model watch, reloading the file
 * while serving, and the usage metrics by model. Dates are relative to today, so the test holds on any day.
 */
class ModelsTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    private final HttpClient http = HttpClient.newHttpClient();
    private Path modelsFile;

    private String catalog(String extra) {
        return "models:\n"
                + "  house-new: {provider: openai, sizes: [1024x1024, 1536x1024], max_n: 4}\n"
                + "  house-old: {provider: openai, deprecated: " + TODAY.plusDays(10) + ", replacement: house-new, sizes: [1024x1024]}\n"
                + "  house-gone: {provider: openai}\n"
                + "  house-alias: {provider: openai, retired: house-new, sizes: [1792x1024]}\n" + extra;
    }

    @Override
    protected void upstreamSettings(Properties p) {
        try {
            modelsFile = Files.createTempFile("models", ".yaml");
            Files.writeString(modelsFile, catalog(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        p.setProperty("models.file", modelsFile.toString());
        p.setProperty("models.passthrough", "false");
        p.setProperty("image.model", "house-old");
        p.setProperty("models.watch-enabled", "true");
        p.setProperty("upstream.retries", "0");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.header("X-API-KEY", KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> generate(String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(restUrl())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private JsonNode info() throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/api/info"))).body());
    }

    private void answerUsage() {
        upstream().answerJson(200, "{\"created\":1,\"data\":[{\"b64_json\":\""
                + java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(8, 8)) + "\"}],\"size\":\"1024x1024\","
                + "\"usage\":{\"input_tokens\":12,\"input_tokens_details\":{\"text_tokens\":12,\"image_tokens\":0},\"output_tokens\":1056,\"total_tokens\":1068}}");
    }

    @Test
    void theWatchWarnsOfModelsTheUpstreamDropsOrWillShutDown() throws Exception {
        upstream().server().stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"list\",\"data\":[{\"id\":\"house-new\",\"object\":\"model\",\"created\":1,\"owned_by\":\"system\","
                        + "\"shutdown_date\":\"" + TODAY.plusDays(3) + "\"},{\"id\":\"house-old\",\"object\":\"model\",\"created\":1,"
                        + "\"owned_by\":\"system\",\"shutdown_date\":\"" + TODAY.plusDays(10) + "\"},{\"id\":\"other\",\"object\":\"model\"}]}")));
        template.sendBody("direct:model-watch", null);

        JsonNode info = info();
        String warnings = info.get("model_warnings").toString();
        assertEquals(3, info.get("model_warnings").size(), warnings);
        assertTrue(warnings.contains("house-gone: the upstream no longer lists house-gone"), warnings);
        assertTrue(warnings.contains("house-new shuts down on " + TODAY.plusDays(3) + " (in 3 days); the catalog does not say so yet"), warnings);
        assertTrue(warnings.contains("house-old shuts down on " + TODAY.plusDays(10) + " (in 10 days); then house-new serves its requests"), warnings);
        assertTrue(info.has("models_checked_at"));
        String metrics = metricsText();
        assertTrue(metrics.contains("gateway_model_upstream_listed{model=\"house-gone\"} 0.0"), metrics);
        assertTrue(metrics.contains("gateway_model_upstream_listed{model=\"house-new\"} 1.0"), metrics);
        assertTrue(metrics.contains("gateway_model_shutdown_days{model=\"house-old\"} 10.0"), metrics);

        // a failed call changes nothing for serving, and says why
        upstream().reset();
        upstream().server().stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(500)));
        template.sendBody("direct:model-watch", null);
        assertEquals("the upstream answered HTTP 500", info().get("models_check_error").asText());
        answerUsage();
        assertEquals(200, generate("{\"prompt\":\"x\"}").statusCode());
    }

    @Test
    void theCatalogFileIsReloadedWhileServing() throws Exception {
        answerUsage();
        HttpResponse<String> unknown = generate("{\"prompt\":\"x\",\"model\":\"house-next\"}");
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("'model' is not available"), unknown.body());

        Files.writeString(modelsFile, catalog("  house-next: {provider: openai, sizes: [512x512], default_size: 512x512}\n"));
        Files.setLastModifiedTime(modelsFile, FileTime.from(Instant.now().plusSeconds(5)));
        HttpResponse<String> served = null;
        for (long deadline = System.currentTimeMillis() + 5000; System.currentTimeMillis() < deadline; Thread.sleep(200)) {
            served = generate("{\"prompt\":\"x\",\"model\":\"house-next\"}");
            if (served.statusCode() == 200) {
                break;
            }
        }
        assertEquals(200, served.statusCode(), served.body());
        assertEquals("house-next", served.headers().firstValue("x-gateway-model").orElseThrow());

        // a broken file is not loaded: the catalog in force stays
        Files.writeString(modelsFile, "models:\n  house-next: {provider: openai, sizes: 512}\n");
        Files.setLastModifiedTime(modelsFile, FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(1500);
        assertEquals(200, generate("{\"prompt\":\"x\",\"model\":\"house-next\"}").statusCode());
        assertEquals(200, generate("{\"prompt\":\"x\",\"model\":\"house-alias\",\"size\":\"1792x1024\"}").statusCode());
        Files.writeString(modelsFile, catalog(""));
        Files.setLastModifiedTime(modelsFile, FileTime.from(Instant.now().plusSeconds(15)));
        for (long deadline = System.currentTimeMillis() + 5000; System.currentTimeMillis() < deadline; Thread.sleep(200)) {
            if (generate("{\"prompt\":\"x\",\"model\":\"house-next\"}").statusCode() == 400) {
                return;
            }
        }
        throw new AssertionError("the catalog was not restored");
    }

    @Test
    void tokensAndImagesAreCountedByTheModelThatServed() throws Exception {
        answerUsage();
        String tokens = "gateway_tokens_total{kind=\"output\",model=\"house-new\"}";
        String images = "gateway_images_generated_total{model=\"house-new\",provider=\"openai\"}";
        String before = metricsText();
        // a shut-down name: counted under the model that served it
        HttpResponse<String> response = generate("{\"prompt\":\"x\",\"model\":\"house-alias\",\"size\":\"1792x1024\"}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("house-new", response.headers().firstValue("x-gateway-model").orElseThrow());
        String after = metricsText();
        assertEquals(1056, metricValue(after, tokens) - metricValue(before, tokens), after);
        assertEquals(1, metricValue(after, images) - metricValue(before, images), after);
    }
}
