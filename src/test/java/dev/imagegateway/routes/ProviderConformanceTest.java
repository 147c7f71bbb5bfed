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
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance suite: the same scenarios, through the OpenAI-compatible door, against every provider's stub
 * ({@link ProviderKits}), so adapters stay alike. An image comes back as the provider's bytes, saved, and named by who
 * served it; n images whatever the provider's own notion of n; its errors become the contract's (a refused key 502, a
 * rate limit 429 with its Retry-After, a server error 502, a policy refusal 400); what it cannot express is a 400
 * naming the field, before any call.
 */
class ProviderConformanceTest extends ProviderStubTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PNG = UpstreamStub.png(24, 16);
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected String catalog() {
        return ProviderKits.catalog("BASE");
    }

    @Override
    protected void settings(Properties p) {
        p.putAll(ProviderKits.keys());
        p.setProperty("image.provider", "openai");
        // the contract of one call: no retries, and a breaker that stays out of the way of the error scenarios
        p.setProperty("upstream.retries", "0");
        p.setProperty("circuit.minimum-calls", "1000");
        p.setProperty("bfl.poll-interval-ms", "20");
    }

    @BeforeEach
    void reset() throws Exception {
        stub().resetAll();
        clearImages();
    }

    static Stream<ProviderKits.Kit> kits() {
        return ProviderKits.all().stream();
    }

    private HttpResponse<String> generate(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<LoggedRequest> generateCalls(ProviderKits.Kit kit) {
        return stub().findAll(postRequestedFor(urlEqualTo(kit.generatePath())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kits")
    void anImageComesBackSavedAndNamedByWhoServedIt(ProviderKits.Kit kit) throws Exception {
        kit.stubImages(stub(), base(), PNG, 1);
        HttpResponse<String> response = generate("{\"model\":\"" + kit.model + "\",\"prompt\":\"a red kite\",\"size\":\"1536x864\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode data = JSON.readTree(response.body()).get("data");
        assertEquals(1, data.size());
        assertArrayEquals(PNG, Base64.getDecoder().decode(data.get(0).get("b64_json").asText()));
        assertEquals(kit.provider, response.headers().firstValue("x-gateway-provider").orElse(null));
        assertEquals(kit.deployment, response.headers().firstValue("x-gateway-deployment").orElse(null));
        assertEquals(kit.model, response.headers().firstValue("x-gateway-model").orElse(null));
        List<LoggedRequest> calls = generateCalls(kit);
        assertEquals(1, calls.size());
        kit.verifyRequest(calls.get(0), "a red kite");
        // saved as the provider's bytes, its record naming the provider and deployment (never a key)
        List<Path> saved = savedImages();
        assertEquals(1, saved.size());
        assertArrayEquals(PNG, Files.readAllBytes(saved.get(0)));
        JsonNode meta = JSON.readTree(imagesDir.resolve(".meta").resolve(saved.get(0).getFileName() + ".json").toFile());
        assertEquals(kit.provider, meta.get("provider").asText());
        assertEquals(kit.deployment, meta.get("deployment").asText());
        assertTrue(!meta.toString().contains("k-"), "no key in the record: " + meta);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kits")
    void nImagesWhateverTheProvidersOwnN(ProviderKits.Kit kit) throws Exception {
        kit.stubImages(stub(), base(), PNG, kit.imagesPerCall(3));
        HttpResponse<String> response = generate("{\"model\":\"" + kit.model + "\",\"prompt\":\"three kites\",\"n\":3,\"size\":\"1024x1024\"}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(3, JSON.readTree(response.body()).get("data").size());
        assertEquals(3 / kit.imagesPerCall(3), generateCalls(kit).size(), "calls to the provider");
        assertEquals(3, savedImages().size());
    }

    static Stream<Arguments> errors() {
        return kits().flatMap(kit -> Stream.of(
                Arguments.of(kit, "refused key", kit.badKey(), 502, null),
                Arguments.of(kit, "rate limit", ProviderKits.json(429, "{\"error\":{\"message\":\"slow down\"}}")
                        .withHeader("Retry-After", "7"), 429, "7"),
                Arguments.of(kit, "server error", ProviderKits.json(500, "{\"error\":{\"message\":\"internal\"}}"), 502, null),
                Arguments.of(kit, "unavailable", aResponse().withStatus(503).withBody("upstream connect error"), 502, null)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("errors")
    void providerErrorsBecomeTheContracts(ProviderKits.Kit kit, String what, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer,
                                          int status, String retryAfter) throws Exception {
        kit.stubGenerate(stub(), answer);
        HttpResponse<String> response = generate("{\"model\":\"" + kit.model + "\",\"prompt\":\"a kite\"}");
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(retryAfter, response.headers().firstValue("Retry-After").orElse(null));
        assertEquals(status == 429 ? "requests" : "server_error", JSON.readTree(response.body()).path("error").path("type").asText());
        assertTrue(!response.body().contains("k-"), "no key in the answer: " + response.body());
        assertEquals(0, savedImages().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kits")
    void aPolicyRefusalIsTheClients400(ProviderKits.Kit kit) throws Exception {
        kit.stubPolicy(stub(), base());
        HttpResponse<String> response = generate("{\"model\":\"" + kit.model + "\",\"prompt\":\"something refused\"}");
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals("invalid_request_error", error.path("type").asText());
        assertTrue(!error.path("message").asText().isBlank());
        assertEquals(0, savedImages().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kits")
    void whatTheProviderCannotExpressIsRefusedNamingTheField(ProviderKits.Kit kit) throws Exception {
        String[] option = kit.unsupportedOption();
        org.junit.jupiter.api.Assumptions.assumeTrue(option != null, kit + " takes every OpenAI option");
        kit.stubImages(stub(), base(), PNG, 1);
        HttpResponse<String> response = generate("{\"model\":\"" + kit.model + "\",\"prompt\":\"a kite\",\"" + option[0]
                + "\":\"" + option[1] + "\"}");
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(option[0], JSON.readTree(response.body()).path("error").path("param").asText());
        assertEquals(0, stub().findAll(anyRequestedFor(anyUrl())).size(), "nothing was asked of the provider");
    }
}
