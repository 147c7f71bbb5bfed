package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImageModel;
import com.openai.models.images.ImagesResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI-compatible door driven by OpenAI's own Java SDK, pointed at the gateway as its base URL with a gateway
 * key, in front of a stub upstream.
 */
class OpenAiDoorTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private OpenAIClient sdk;

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
    }

    private OpenAIClient sdk() {
        if (sdk == null) {
            sdk = client(KEY);
        }
        return sdk;
    }

    private OpenAIClient client(String key) {
        // no SDK retries: each test counts the calls that reach the gateway's upstream
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://localhost:" + httpPort() + "/v1").maxRetries(0).build();
    }

    @AfterAll
    void closeSdk() {
        if (sdk != null) {
            sdk.close();
        }
    }

    private JsonNode upstreamRequest() throws Exception {
        List<LoggedRequest> calls = upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH)));
        assertEquals(1, calls.size());
        assertEquals("Bearer " + UpstreamStub.OPENAI_KEY, calls.get(0).getHeader("Authorization"),
                "the upstream sees the gateway's OpenAI key, never the client's gateway key");
        return JSON.readTree(calls.get(0).getBodyAsString());
    }

    @Test
    void todaysModelWithTodaysParameters() throws Exception {
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(48, 32));

        var raw = sdk().images().withRawResponse().generate(ImageGenerateParams.builder().prompt("A red fox")
                .model("gpt-image-2.6-flare").size(ImageGenerateParams.Size.of("1536x1024"))
                .quality(ImageGenerateParams.Quality.of("xhigh")).background(ImageGenerateParams.Background.TRANSPARENT)
                .moderation(ImageGenerateParams.Moderation.LOW).outputFormat(ImageGenerateParams.OutputFormat.WEBP)
                .outputCompression(80L).user("user-42").build());
        assertEquals("gpt-image-2.6-flare", raw.headers().values("x-gateway-model").get(0));
        ImagesResponse response = raw.parse();

        assertTrue(Math.abs(response.created() - System.currentTimeMillis() / 1000) < 60, "created is now");
        List<Image> data = response.data().orElseThrow();
        assertEquals(1, data.size());
        assertArrayEquals(UpstreamStub.WEBP, Base64.getDecoder().decode(data.get(0).b64Json().orElseThrow()));
        // what the upstream said it produced and used comes back as OpenAI's reply has it
        assertEquals(1056, response.usage().orElseThrow().outputTokens());
        assertEquals("webp", response.outputFormat().orElseThrow().asString());
        // the saved file's extension follows the bytes
        assertEquals(1, savedImages().size());
        assertTrue(savedImages().get(0).toString().endsWith(".webp"), savedImages().toString());
        assertArrayEquals(UpstreamStub.WEBP, Files.readAllBytes(savedImages().get(0)));

        JsonNode sent = upstreamRequest();
        assertEquals("gpt-image-2.6-flare", sent.get("model").asText());
        assertEquals("A red fox", sent.get("prompt").asText());
        assertEquals(1, sent.get("n").asInt());
        assertEquals("1536x1024", sent.get("size").asText());
        assertEquals("xhigh", sent.get("quality").asText());
        assertEquals("transparent", sent.get("background").asText());
        assertEquals("low", sent.get("moderation").asText());
        assertEquals("webp", sent.get("output_format").asText());
        assertEquals(80, sent.get("output_compression").asInt());
        assertEquals("user-42", sent.get("user").asText());
        assertFalse(sent.has("response_format"), "GPT image models refuse it");
        JsonNode meta = JSON.readTree(imagesDir.resolve(".meta").resolve(savedImages().get(0).getFileName() + ".json").toFile());
        assertEquals("gpt-image-2.6-flare", meta.get("model").asText());
        assertEquals(1056, meta.get("upstream").get("usage").get("output_tokens").asInt());
    }

    @Test
    void aDallE3ScriptIsServedByTodaysModel() throws Exception {
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(48, 32));

        var raw = sdk().images().withRawResponse().generate(ImageGenerateParams.builder().prompt("A red fox")
                .model(ImageModel.DALL_E_3).size(ImageGenerateParams.Size._1792X1024).quality(ImageGenerateParams.Quality.HD)
                .style(ImageGenerateParams.Style.NATURAL).responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON)
                .user("user-42").build());
        assertEquals("gpt-image-2.6-flare", raw.headers().values("x-gateway-model").get(0));
        List<Image> data = raw.parse().data().orElseThrow();
        assertArrayEquals(UpstreamStub.png(48, 32), Base64.getDecoder().decode(data.get(0).b64Json().orElseThrow()));

        // the stub answers a shut-down name with 404 and response_format or style with 400: none of them went
        JsonNode sent = upstreamRequest();
        assertEquals("gpt-image-2.6-flare", sent.get("model").asText());
        assertEquals("1792x1024", sent.get("size").asText());
        assertEquals("high", sent.get("quality").asText(), "hd maps to high");
        assertFalse(sent.has("style") || sent.has("response_format"), sent.toString());
        assertEquals("user-42", sent.get("user").asText());
        JsonNode meta = JSON.readTree(imagesDir.resolve(".meta").resolve(savedImages().get(0).getFileName() + ".json").toFile());
        assertEquals("gpt-image-2.6-flare", meta.get("model").asText());
        assertEquals("dall-e-3", meta.get("requested_model").asText());
    }

    @Test
    void aModelTheCatalogDoesNotListIsPassedThroughAndAnUnknownParameterToo() throws Exception {
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(8, 8));
        // gpt-image-2 is listed upstream; pretend a newer snapshot appeared that the catalog does not know yet
        upstream().server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(UpstreamStub.PATH)).atPriority(0)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.model",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("gpt-image-2.7-preview")))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(UpstreamStub.envelope(
                        Base64.getEncoder().encodeToString(UpstreamStub.png(8, 8))))));
        ImagesResponse response = sdk().images().generate(ImageGenerateParams.builder().prompt("x").model("gpt-image-2.7-preview")
                .size(ImageGenerateParams.Size.of("2000x1000")).putAdditionalBodyProperty("complexity", com.openai.core.JsonValue.from("low"))
                .build());
        assertEquals(1, response.data().orElseThrow().size());
        JsonNode sent = upstreamRequest();
        assertEquals("gpt-image-2.7-preview", sent.get("model").asText());
        assertEquals("2000x1000", sent.get("size").asText());
        assertEquals("low", sent.get("complexity").asText(), "a parameter the gateway does not know is the upstream's to judge");

        // and a model the upstream does not have is OpenAI's own 404 model_not_found, not a gateway failure
        upstream().reset();
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(8, 8));
        com.openai.errors.NotFoundException missing = assertThrows(com.openai.errors.NotFoundException.class,
                () -> sdk().images().generate(ImageGenerateParams.builder().prompt("x").model("gpt-image-9").build()));
        assertEquals("model_not_found", missing.code().orElseThrow());
    }

    @Test
    void modelsListAndRetrieveComeFromTheCatalog() throws Exception {
        var ids = sdk().models().list().data().stream().map(com.openai.models.models.Model::id).toList();
        for (String id : new String[] {"gpt-image-2.6-flare", "gpt-image-2.6-sunburst", "gpt-image-2", "gpt-image-1.5", "dall-e-3", "dall-e-2"}) {
            assertTrue(ids.contains(id), id + " in " + ids);
        }
        // a query parameter or header named id does not turn the list into a lookup
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/models?id=dall-e-3"))
                .header("Authorization", "Bearer " + KEY).header("id", "dall-e-2").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, list.statusCode(), list.body());
        assertEquals("list", JSON.readTree(list.body()).get("object").asText(), list.body());
        com.openai.models.models.Model flare = sdk().models().retrieve("gpt-image-2.6-flare");
        assertEquals("gpt-image-2.6-flare", flare.id());
        assertEquals("openai", flare.ownedBy());
        assertEquals(java.time.LocalDate.parse("2026-11-04").atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond(), flare.created());
        com.openai.models.models.Model dallE3 = sdk().models().retrieve("dall-e-3");
        assertEquals("gpt-image-2.6-flare", dallE3._additionalProperties().get("served_by").asString().orElseThrow());
        assertEquals("2026-12-01", sdk().models().retrieve("gpt-image-1-mini")._additionalProperties().get("shutdown_date").asString().orElseThrow());
        com.openai.errors.NotFoundException missing = assertThrows(com.openai.errors.NotFoundException.class,
                () -> sdk().models().retrieve("dall-e-9"));
        assertEquals("model_not_found", missing.code().orElseThrow());
        OpenAIClient wrong = client("not-a-gateway-key");
        try {
            assertThrows(UnauthorizedException.class, () -> wrong.models().list());
        } finally {
            wrong.close();
        }
    }

    @Test
    void aStreamRefusesWhatItCannotCarryNamingTheParameter() throws Exception {
        for (String[] bad : new String[][] {
            {"{\"prompt\":\"x\",\"stream\":true,\"response_format\":\"url\"}", "response_format", "b64_json"},
            {"{\"prompt\":\"x\",\"stream\":true,\"partial_images\":4}", "partial_images", "0 to 3"},
            {"{\"prompt\":\"x\",\"stream\":1}", "stream", "boolean"}}) {
            HttpResponse<String> stream = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bad[0])).build(), HttpResponse.BodyHandlers.ofString());
            assertOpenAiError(stream, 400, bad[1], bad[2]);
        }
        assertEquals(0, upstreamCalls());
    }

    @Test
    void urlPointsToTheSavedImageWhichNeedsAKey() throws Exception {
        byte[] png = UpstreamStub.png(20, 10);
        upstream().answerImage(png);

        ImagesResponse response = sdk().images().generate(ImageGenerateParams.builder().prompt("A lighthouse")
                .responseFormat(ImageGenerateParams.ResponseFormat.URL).build());

        Image image = response.data().orElseThrow().get(0);
        assertTrue(image.b64Json().isEmpty());
        String url = image.url().orElseThrow();
        String filename = savedImages().get(0).getFileName().toString();
        assertEquals("http://localhost:" + httpPort() + "/images/" + filename, url);

        HttpResponse<byte[]> withKey = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, withKey.statusCode());
        assertEquals("image/png", withKey.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(png, withKey.body());

        HttpResponse<String> withoutKey = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, withoutKey.statusCode());
        assertFalse(withoutKey.body().contains("PNG"));
    }

    @Test
    void everyUrlWorksTheMomentTheReplyArrives() throws Exception {
        upstream().answerJson(200, "{\"created\":1,\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(UpstreamStub.png(300, 300))
                + "\"},{\"b64_json\":\"" + Base64.getEncoder().encodeToString(UpstreamStub.png(200, 300)) + "\"}]}");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<List<Integer>>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                replies.add(pool.submit(() -> {
                    ImagesResponse response = sdk().images().generate(ImageGenerateParams.builder().prompt("A lighthouse").n(2)
                            .responseFormat(ImageGenerateParams.ResponseFormat.URL).build());
                    // fetched at once, from the thread that got the reply
                    List<Integer> statuses = new java.util.ArrayList<>();
                    for (Image image : response.data().orElseThrow()) {
                        statuses.add(http.send(HttpRequest.newBuilder(URI.create(image.url().orElseThrow()))
                                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
                    }
                    return statuses;
                }));
            }
            for (var reply : replies) {
                assertEquals(List.of(200, 200), reply.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void dallEModelsDefaultToUrlsAsOpenAiDidAndGptImageModelsToBase64() throws Exception {
        upstream().answerImage(UpstreamStub.png(8, 8));
        Image dallE = sdk().images().generate(ImageGenerateParams.builder().prompt("A boat").model(ImageModel.DALL_E_3).build())
                .data().orElseThrow().get(0);
        assertTrue(dallE.url().orElseThrow().contains("/images/"));
        Image gptImage = sdk().images().generate(ImageGenerateParams.builder().prompt("A boat").build()).data().orElseThrow().get(0);
        assertTrue(gptImage.b64Json().isPresent() && gptImage.url().isEmpty());
    }

    @Test
    void twoImagesFromAModelThatAllowsIt() throws Exception {
        byte[] first = UpstreamStub.png(16, 16);
        byte[] second = UpstreamStub.png(32, 32);
        upstream().answerJson(200, "{\"created\":1,\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(first)
                + "\"},{\"b64_json\":\"" + Base64.getEncoder().encodeToString(second) + "\"}]}");

        ImagesResponse response = sdk().images().generate(ImageGenerateParams.builder().prompt("Two cats")
                .model(ImageModel.DALL_E_2).n(2).size(ImageGenerateParams.Size._512X512)
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON).build());
        // dall-e-2 is served by today's model at the nearest size it takes

        List<Image> data = response.data().orElseThrow();
        assertEquals(2, data.size());
        assertArrayEquals(first, Base64.getDecoder().decode(data.get(0).b64Json().orElseThrow()));
        assertArrayEquals(second, Base64.getDecoder().decode(data.get(1).b64Json().orElseThrow()));
        assertEquals(2, savedImages().size(), "each image is saved");
        JsonNode sent = upstreamRequest();
        assertEquals("gpt-image-2.6-flare", sent.get("model").asText());
        assertEquals("816x816", sent.get("size").asText());
        assertEquals(2, sent.get("n").asInt(), "one upstream call for both images");
        assertFalse(sent.has("style"));
    }

    @Test
    void aBadKeyIsAnAuthenticationError() {
        OpenAIClient wrong = client("not-a-gateway-key");
        try {
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> wrong.images().generate(ImageGenerateParams.builder().prompt("x").build()));
            assertEquals(401, e.statusCode());
            assertEquals("invalid_api_key", e.code().orElseThrow());
            assertFalse(e.getMessage().contains("not-a-gateway-key"), "the key is not echoed");
        } finally {
            wrong.close();
        }
        assertEquals(0, upstreamCalls());
    }

    @Test
    void aBadSizeIsABadRequestNamingTheParameter() throws Exception {
        BadRequestException e = assertThrows(BadRequestException.class, () -> sdk().images().generate(ImageGenerateParams.builder()
                .prompt("x").model(ImageModel.DALL_E_3).size(ImageGenerateParams.Size._512X512).build()));
        assertEquals(400, e.statusCode());
        assertEquals("size", e.param().orElseThrow());
        assertEquals("invalid_request_error", e.type().orElseThrow());
        assertTrue(e.getMessage().contains("1792x1024"), e.getMessage());
        assertEquals(0, upstreamCalls(), "refused before any upstream call");
        assertTrue(savedImages().isEmpty());
    }

    @Test
    void moreImagesThanTheModelMakesIsABadRequest() throws Exception {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> sdk().images().generate(ImageGenerateParams.builder().prompt("x").model(ImageModel.DALL_E_3).n(2).build()));
        assertEquals("n", e.param().orElseThrow());
        BadRequestException style = assertThrows(BadRequestException.class, () -> sdk().images().generate(ImageGenerateParams
                .builder().prompt("x").model(ImageModel.DALL_E_2).style(ImageGenerateParams.Style.VIVID).build()));
        assertEquals("style", style.param().orElseThrow());
        assertEquals(0, upstreamCalls());
    }

    @Test
    void anUpstreamPolicyRejectionIsABadRequestWithItsCode() throws Exception {
        upstream().answerJson(400, "{\"error\":{\"message\":\"Your request was rejected as a result of our safety system.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"content_policy_violation\"}}");

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> sdk().images().generate(ImageGenerateParams.builder().prompt("something disallowed").build()));
        assertEquals(400, e.statusCode());
        assertEquals("content_policy_violation", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("safety system"), e.getMessage());
        awaitSavesDone();
        assertTrue(savedImages().isEmpty());
    }

    @Test
    void upstreamTroubleReachesTheSdkAsRateLimitAndServerErrors() {
        upstream().answer(aResponse().withStatus(429).withHeader("Retry-After", "7")
                .withHeader("Content-Type", "application/json").withBody(UpstreamStub.error("Rate limit reached", "rate_limit_exceeded")));
        RateLimitException limited = assertThrows(RateLimitException.class,
                () -> sdk().images().generate(ImageGenerateParams.builder().prompt("x").build()));
        assertEquals("7", limited.headers().values("Retry-After").get(0));

        upstream().reset();
        upstream().answerJson(503, UpstreamStub.error("The engine is currently overloaded", null));
        InternalServerException down = assertThrows(InternalServerException.class,
                () -> sdk().images().generate(ImageGenerateParams.builder().prompt("x").build()));
        assertEquals(502, down.statusCode());
        assertEquals("server_error", down.type().orElseThrow());
        assertFalse(down.getMessage().contains(UpstreamStub.OPENAI_KEY));
    }

    @Test
    void requestsTheSdkWouldNotSendGetOpenAiShapedErrors() throws Exception {
        HttpResponse<String> otherEndpoint = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(otherEndpoint, 404, null, "Not found");
        HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(tooLarge, 413, null, "larger than");
        String url = "http://localhost:" + httpPort() + "/v1/images/generations";
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\",\"bad name!\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(unknown, 400, "bad?name?", "Unrecognized request argument supplied: bad?name?");
        HttpResponse<String> unsupported = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\",\"model\":\"dall-e-3\",\"background\":\"transparent\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(unsupported, 400, "background", "not supported by dall-e-3");

        HttpResponse<String> malformed = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(malformed, 400, null, "not valid JSON");

        HttpResponse<String> nNotANumber = http.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-KEY", KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\",\"n\":\"two\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(nNotANumber, 400, "n", "whole number");

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(get, 405, null, "use POST");
        assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
        assertEquals(0, upstreamCalls());
    }

    private static void assertOpenAiError(HttpResponse<String> response, int status, String param, String messagePart) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertTrue(error.get("message").asText().contains(messagePart), error.toString());
        assertEquals(param, error.get("param").isNull() ? null : error.get("param").asText());
        assertNotEquals("", error.get("type").asText());
        assertTrue(error.has("code"));
    }
}
