package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST door end to end: real HTTP in, the real routes, a stub OpenAI upstream. */
class RestDoorTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.response-timeout-ms", "1500");
        // the status contract without retries; UpstreamResilienceTest covers them
        p.setProperty("upstream.retries", "0");
    }

    private HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(restUrl())).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> generate(String json) throws Exception {
        return post(json, "Content-Type", "application/json", "X-API-KEY", KEY);
    }

    private static void assertJsonError(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        String error = JSON.readTree(response.body()).path("error").asText();
        assertTrue(error.contains(messagePart), "error message '" + error + "' should contain '" + messagePart + "'");
    }

    @Test
    void generatesReturnsAndSavesTheUpstreamImage() throws Exception {
        byte[] png = UpstreamStub.png(64, 32);
        upstream().answerImage(png);

        HttpResponse<String> response = post("{\"prompt\":\"A futuristic city\",\"size\":\"1792x1024\"}",
                "Content-Type", "application/json", "X-API-KEY", SECOND_KEY, "X-Custom-Trace", "must-not-leak");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(Base64.getEncoder().encodeToString(png), body.get("image").asText());
        String filename = body.get("filename").asText();
        assertTrue(filename.matches("\\d{10}_[0-9a-f]{12}\\.png"), filename);
        // nothing of the request, and nothing of Camel, comes back as a header
        assertTrue(response.headers().map().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("X-API-KEY")
                || h.equalsIgnoreCase("X-Custom-Trace") || h.toLowerCase().startsWith("camel")), response.headers().toString());

        Path saved = savedImage(filename);
        assertEquals(List.of(saved), savedImages());
        assertArrayEquals(png, Files.readAllBytes(saved));

        List<LoggedRequest> upstream = upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH)));
        assertEquals(1, upstream.size());
        LoggedRequest sent = upstream.get(0);
        assertEquals("Bearer " + UpstreamStub.OPENAI_KEY, sent.getHeader("Authorization"));
        assertFalse(sent.containsHeader("X-API-KEY"));
        assertFalse(sent.containsHeader("X-Custom-Trace"));
        JsonNode sentJson = JSON.readTree(sent.getBodyAsString());
        assertEquals("gpt-image-2.6-flare", sentJson.get("model").asText());
        assertEquals("A futuristic city", sentJson.get("prompt").asText());
        assertEquals(1, sentJson.get("n").asInt());
        assertEquals("1792x1024", sentJson.get("size").asText());
        assertFalse(sentJson.has("response_format"), "GPT image models always answer base64 and refuse the parameter");
        assertEquals("gpt-image-2.6-flare", response.headers().firstValue("x-gateway-model").orElseThrow());
    }

    @Test
    void theOptionalFieldsChooseTheModelAndItsOptions() throws Exception {
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(8, 8));
        HttpResponse<String> response = generate("{\"prompt\":\"x\",\"model\":\"dall-e-2\",\"size\":\"512x512\","
                + "\"quality\":\"standard\",\"ignored\":true}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("gpt-image-2.6-flare", response.headers().firstValue("x-gateway-model").orElseThrow());
        JsonNode sent = JSON.readTree(upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH))).get(0).getBodyAsString());
        assertEquals("816x816", sent.get("size").asText());
        assertEquals("medium", sent.get("quality").asText());
        assertFalse(sent.has("ignored"), "the seed's door ignores what it does not know, as Flask did");

        upstream().reset();
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(8, 8));
        response = generate("{\"prompt\":\"x\",\"model\":\"gpt-image-2\",\"output_format\":\"webp\",\"output_compression\":50}");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(JSON.readTree(response.body()).get("filename").asText().endsWith(".webp"));
        assertEquals("gpt-image-2", response.headers().firstValue("x-gateway-model").orElseThrow());
    }

    @Test
    void missingSizeMeansTheDefaultSize() throws Exception {
        upstream().answerImage(UpstreamStub.png(8, 8));
        assertEquals(200, generate("{\"prompt\":\"x\"}").statusCode());
        JsonNode sent = JSON.readTree(upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH)))
                .get(0).getBodyAsString());
        assertEquals("1024x1024", sent.get("size").asText());
    }

    @Test
    void missingOrWrongKeyIs401() throws Exception {
        assertJsonError(post("{\"prompt\":\"x\"}", "Content-Type", "application/json"), 401, "Invalid API key");
        assertJsonError(post("{\"prompt\":\"x\"}", "Content-Type", "application/json", "X-API-KEY", "nope"), 401,
                "Invalid API key");
        assertEquals(0, upstream().server().getAllServeEvents().size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing prompt       | {\"size\":\"1024x1024\"}                | Prompt is required",
        "empty prompt         | {\"prompt\":\"\"}                       | Prompt is required",
        "blank prompt         | {\"prompt\":\"   \"}                    | Prompt is required",
        "malformed JSON       | {\"prompt\":                            | not valid JSON",
        "array                | [\"prompt\"]                            | must be a JSON object",
        "string               | \"prompt\"                              | must be a JSON object",
        "prompt not a string  | {\"prompt\":42}                         | 'prompt' must be a string",
        "bad size             | {\"prompt\":\"x\",\"size\":\"256x256\"} | 'size'",
        "size off the rule    | {\"prompt\":\"x\",\"size\":\"1000x1000\"} | multiples of 16",
        "dall-e-3 size        | {\"prompt\":\"x\",\"model\":\"dall-e-3\",\"size\":\"512x512\"} | 'size' is invalid for dall-e-3",
        "model not a string   | {\"prompt\":\"x\",\"model\":3}         | 'model' must be a string",
        "quality of no model  | {\"prompt\":\"x\",\"quality\":\"hd\"} | 'quality' is invalid",
        "size not a string    | {\"prompt\":\"x\",\"size\":1024}        | 'size' must be a string",
        "empty body           | ''                                      | JSON object",
    })
    void clientMistakesAre400AndNeverReachUpstream(String name, String body, String message) throws Exception {
        assertJsonError(generate(body), 400, message);
        assertEquals(0, upstream().server().getAllServeEvents().size());
        assertTrue(savedImages().isEmpty());
    }

    @Test
    void bytesThatAreNotUtf8Are400() throws Exception {
        byte[] overlongSlash = {'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', '.', '.', (byte) 0xC0, (byte) 0xAF, 'x', '"', '}'};
        byte[] latin1 = "{\"prompt\":\"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (byte[] body : new byte[][] {overlongSlash, latin1}) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(restUrl()))
                    .header("Content-Type", "application/json").header("X-API-KEY", KEY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertJsonError(response, 400, "not valid UTF-8");
        }
        assertEquals(0, upstream().server().getAllServeEvents().size());
    }

    @Test
    void promptLongerThanTheModelAllowsIs400() throws Exception {
        String prompt = "a".repeat(32001);
        assertJsonError(generate("{\"prompt\":\"" + prompt + "\"}"), 400, "'prompt' is too long");
        assertEquals(0, upstream().server().getAllServeEvents().size());
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(restUrl()))
                .header("X-API-KEY", KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertJsonError(response, 405, "not allowed");
        assertEquals("POST", response.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void formBodyIs415() throws Exception {
        assertJsonError(post("prompt=x", "Content-Type", "application/x-www-form-urlencoded", "X-API-KEY", KEY), 415,
                "application/json");
    }

    @Test
    void bodyOverOneMegabyteIs413AndTheServerKeepsServing() throws Exception {
        String big = "{\"prompt\":\"" + "a".repeat(1_100_000) + "\"}";
        assertJsonError(generate(big), 413, "larger");
        upstream().answerImage(UpstreamStub.png(8, 8));
        assertEquals(200, generate("{\"prompt\":\"still here\"}").statusCode());
    }

    @Test
    void unknownPathIsJson404() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + httpPort() + "/nowhere")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertJsonError(response, 404, "Not found");
    }

    @ParameterizedTest(name = "upstream {0} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "400 | {\"error\":{\"message\":\"Your request was rejected by our safety system\",\"code\":\"content_policy_violation\"}} | 400 | rejected by our safety system",
        "400 | {\"error\":{\"message\":\"Invalid size\",\"code\":null}}  | 400 | Invalid size",
        "401 | {\"error\":{\"message\":\"Incorrect API key provided: sk-test-upstream-secret-0123456789\"}} | 502 | credentials",
        "403 | {}                                                        | 502 | credentials",
        "500 | {\"error\":{\"message\":\"The server had an error\"}}     | 502 | The server had an error",
        "503 | not json                                                  | 502 | HTTP 503",
        "404 | {\"error\":{\"message\":\"Unknown model\"}}               | 502 | Unknown model",
    })
    void upstreamErrorsMapToTheContract(int upstreamStatus, String upstreamBody, int status, String message) throws Exception {
        upstream().answerJson(upstreamStatus, upstreamBody);
        HttpResponse<String> response = generate("{\"prompt\":\"x\"}");
        assertJsonError(response, status, message);
        assertFalse(response.body().contains(UpstreamStub.OPENAI_KEY));
        assertFalse(response.headers().toString().contains(UpstreamStub.OPENAI_KEY));
        assertTrue(savedImages().isEmpty());
    }

    @Test
    void upstream429PassesRetryAfterOn() throws Exception {
        upstream().answer(aResponse().withStatus(429).withHeader("Retry-After", "7")
                .withBody(UpstreamStub.error("Rate limit reached", "rate_limit_exceeded")));
        HttpResponse<String> response = generate("{\"prompt\":\"x\"}");
        assertJsonError(response, 429, "Rate limit reached");
        assertEquals("7", response.headers().firstValue("Retry-After").orElse(null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "non-JSON body        | <html>ok</html>                                   | malformed JSON",
        "no data              | {\"created\":1}                                   | no image data",
        "empty data           | {\"created\":1,\"data\":[]}                       | no image data",
        "invalid base64       | {\"data\":[{\"b64_json\":\"%%%not-base64%%%\"}]}  | invalid base64",
        "not an image         | {\"data\":[{\"b64_json\":\"aGVsbG8gd29ybGQ=\"}]}  | not a known image format",
    })
    void upstreamSuccessWithoutAnImageIs502AndSavesNothing(String name, String body, String message) throws Exception {
        upstream().answerJson(200, body);
        assertJsonError(generate("{\"prompt\":\"x\"}"), 502, message);
        assertTrue(savedImages().isEmpty());
    }

    @Test
    void slowUpstreamIs504() throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(4000)
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(8, 8)))));
        assertJsonError(generate("{\"prompt\":\"x\"}"), 504, "in time");
    }

    @Test
    void unreachableUpstreamIs502() throws Exception {
        upstream().answer(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER));
        HttpResponse<String> response = generate("{\"prompt\":\"x\"}");
        assertJsonError(response, 502, "Upstream");
        assertNull(response.headers().firstValue("Retry-After").orElse(null));
    }
}
