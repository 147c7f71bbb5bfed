package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;

import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One public model on two OpenAI deployments, falling back to a Google and a Stability model: a deployment that fails
 * for a reason another may not share (503, 429) hands the request to the next, the answer names who served it, and
 * a refusal of the request itself (policy) goes back to the client untried elsewhere.
 */
class FailoverTest extends ProviderStubTestSupport {

    private static final byte[] PNG = UpstreamStub.png(8, 8);
    private static final String A = "/a/v1/images/generations";
    private static final String B = "/b/v1/images/generations";
    private static final String GOOGLE = "/google/v1beta/models/gemini-3.1-flash-image:generateContent";
    private static final String STABILITY = "/stability/v2beta/stable-image/generate/core";
    private final ProviderKits.Kit gemini = new ProviderKits.Gemini();
    private final ProviderKits.Kit stability = new ProviderKits.Stability();

    /** The catalog: gpt-image-2.6-flare on two OpenAI deployments, then a Google and a Stability model. */
    @Override
    protected String catalog() {
        return """
                default: gpt-image-2.6-flare
                models:
                  gpt-image-2.6-flare:
                    deployments:
                      - {name: openai-a, provider: openai, base_url: BASE/a/v1, api_key: env:KEY_A}
                      # weight 0: tried only when openai-a fails, so each test knows who is first
                      - {name: openai-b, provider: openai, base_url: BASE/b/v1, api_key: env:KEY_B, weight: 0}
                    fallbacks: [gemini-3.1-flash-image, stable-image-core]
                  balanced-flare:
                    upstream_model: gpt-image-2.6-flare
                    deployments:
                      - {name: openai-a, provider: openai, base_url: BASE/a/v1, api_key: env:KEY_A}
                      - {name: openai-b, provider: openai, base_url: BASE/b/v1, api_key: env:KEY_B}
                    fallbacks: [gemini-3.1-flash-image, stable-image-core]
                  gemini-3.1-flash-image:
                    deployments: [{name: google-main, provider: google, base_url: BASE/google/v1beta, api_key: env:KEY_G}]
                  stable-image-core:
                    deployments: [{name: stability-main, provider: stability, base_url: BASE/stability, api_key: env:KEY_S}]
                """;
    }

    @Override
    protected void settings(Properties p) {
        p.setProperty("KEY_A", "k-a");
        p.setProperty("KEY_B", "k-b");
        p.setProperty("KEY_G", "k-google");
        p.setProperty("KEY_S", "k-stability");
        // failover is immediate; the retry of a whole round is UpstreamResilienceTest's subject
        p.setProperty("upstream.retries", "0");
        p.setProperty("circuit.minimum-calls", "4");
        p.setProperty("circuit.sliding-window", "8");
        // an attempt that takes longer is cut and the next deployment tried
        p.setProperty("upstream.attempt-timeout-ms", "1500");
    }

    @BeforeEach
    void reset() throws Exception {
        stub().resetAll();
        clearImages();
        // each test starts with every circuit closed
        context.getRegistry().lookupByNameAndType("deployments", dev.imagegateway.provider.Deployments.class).all()
                .forEach(d -> d.breaker().reset());
    }

    @AfterAll
    void closeDoors() {
        doors.close();
    }

    private final Doors doors = new Doors(httpPort(), grpcPort(), KEY);

    private void answer(String path, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        stub().stubFor(post(urlEqualTo(path)).willReturn(response));
    }

    private void image(String path) {
        answer(path, ProviderKits.json(200, ProviderKits.openAiData(PNG, 1)));
    }

    private int calls(String path) {
        return stub().findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    @Test
    void aFailingPrimaryHandsTheRequestToTheSecondaryAndTheAnswerSaysSo() throws Exception {
        answer(A, ProviderKits.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        image(B);
        Doors.Outcome rest = doors.rest("a kite");
        assertEquals(200, rest.httpStatus(), rest.message());
        assertEquals("openai/openai-b/gpt-image-2.6-flare", rest.servedBy());
        Doors.Outcome grpc = doors.grpc("a kite", 10_000);
        assertEquals(Status.Code.OK, grpc.grpcCode(), grpc.message());
        assertEquals("openai/openai-b/gpt-image-2.6-flare", grpc.servedBy(), "gRPC response metadata");
        assertEquals(2, calls(A));
        assertEquals(2, calls(B));
        String metrics = metricsText();
        assertTrue(metricValue(metrics, "gateway_deployment_attempts_total{deployment=\"openai-a\",outcome=\"upstream_error\",provider=\"openai\"}") >= 2, metrics);
        assertTrue(metricValue(metrics, "gateway_deployment_attempts_total{deployment=\"openai-b\",outcome=\"ok\",provider=\"openai\"}") >= 2);
        // the record beside the image names who made it
        String meta = Files.readString(imagesDir.resolve(".meta").resolve(rest.filename() + ".json"));
        assertTrue(meta.contains("\"provider\":\"openai\"") && meta.contains("\"deployment\":\"openai-b\""), meta);
    }

    @Test
    void aRateLimitedPrimaryWithRetryAfterGoesToTheSecondaryAtOnce() throws Exception {
        answer(A, ProviderKits.json(429, "{\"error\":{\"message\":\"Rate limit reached\"}}").withHeader("Retry-After", "20"));
        image(B);
        long started = System.nanoTime();
        Doors.Outcome rest = doors.rest("a kite");
        assertEquals(200, rest.httpStatus(), rest.message());
        assertEquals("openai/openai-b/gpt-image-2.6-flare", rest.servedBy());
        assertEquals(1, calls(A));
        assertTrue((System.nanoTime() - started) / 1_000_000 < 15_000, "the secondary did not wait out the primary's Retry-After");
    }

    @Test
    void aPrimaryThatTimesOutOrDropsTheConnectionHandsTheRequestOn() throws Exception {
        answer(A, ProviderKits.json(200, ProviderKits.openAiData(PNG, 1)).withFixedDelay(5_000));
        image(B);
        long started = System.nanoTime();
        Doors.Outcome slow = doors.rest("a kite");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, slow.httpStatus(), slow.message());
        assertEquals("openai/openai-b/gpt-image-2.6-flare", slow.servedBy());
        assertTrue(tookMs < 4_500, "the primary's attempt was cut at its timeout, not waited out: " + tookMs + " ms");

        stub().resetAll();
        answer(A, aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER));
        image(B);
        Doors.Outcome reset = doors.grpc("a kite", 10_000);
        assertEquals(Status.Code.OK, reset.grpcCode(), reset.message());
        assertEquals("openai/openai-b/gpt-image-2.6-flare", reset.servedBy());
    }

    @Test
    void aPolicyRefusalIsNeverFailedOver() throws Exception {
        answer(A, ProviderKits.json(400, "{\"error\":{\"message\":\"Your request was rejected by the safety system\","
                + "\"param\":\"prompt\",\"code\":\"content_policy_violation\"}}"));
        image(B);
        gemini.stubImages(stub(), base(), PNG, 1);
        Doors.Outcome rest = doors.rest("something refused");
        assertEquals(400, rest.httpStatus());
        assertTrue(rest.message().contains("safety system"), rest.message());
        assertEquals(0, calls(B));
        assertEquals(0, calls(GOOGLE));
    }

    @Test
    void whenBothOpenAiDeploymentsFailTheFallbackModelServes() throws Exception {
        answer(A, ProviderKits.json(503, "{}"));
        answer(B, ProviderKits.json(502, "{}"));
        gemini.stubImages(stub(), base(), PNG, 1);
        Doors.Outcome rest = doors.rest("a kite");
        assertEquals(200, rest.httpStatus(), rest.message());
        assertEquals("google/google-main/gemini-3.1-flash-image", rest.servedBy());
        assertEquals(0, calls(STABILITY));
    }

    @Test
    void whenEveryDeploymentFailsTheClientGetsTheLastFailureAndTheLogEachOnesReason() throws Exception {
        answer(A, ProviderKits.json(503, "{\"error\":{\"message\":\"a is down\"}}"));
        answer(B, ProviderKits.json(500, "{\"error\":{\"message\":\"b is down\"}}"));
        answer(GOOGLE, ProviderKits.json(429, "{\"error\":{\"code\":429,\"message\":\"Resource exhausted\",\"status\":\"RESOURCE_EXHAUSTED\"}}"));
        answer(STABILITY, aResponse().withStatus(503).withBody("no healthy upstream"));
        LogCapture log = new LogCapture();
        Doors.Outcome rest;
        try {
            rest = doors.rest("a kite");
        } finally {
            log.close();
        }
        assertEquals(502, rest.httpStatus(), rest.message());
        String line = log.messages().stream().filter(m -> m.startsWith("Every deployment of model gpt-image-2.6-flare failed"))
                .findFirst().orElseThrow(() -> new AssertionError("no summary line in " + log.messages()));
        for (String reason : List.of("openai-a: upstream_error (HTTP 503)", "openai-b: upstream_error (HTTP 500)",
                "google-main: rate_limited (HTTP 429)", "stability-main: upstream_error (HTTP 503)")) {
            assertTrue(line.contains(reason), reason + " in " + line);
        }
        assertTrue(!line.contains("k-a") && !line.contains("k-stability"), "no key in the log: " + line);
    }

    @Test
    void everyRequestIsServedWhileTheFirstDeploymentAnswers503AndItsCircuitOpens() throws Exception {
        answer(A, ProviderKits.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        image(B);
        gemini.stubImages(stub(), base(), PNG, 1);
        stability.stubImages(stub(), base(), PNG, 1);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 12; i++) {
            Doors.Outcome rest = doors.rest("balanced " + i);
            // the REST door's model is the default; the balanced model comes through the OpenAI door and gRPC
            assertEquals(200, rest.httpStatus(), rest.message());
            HttpResponse<String> openai = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort()
                    + "/v1/images/generations")).header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"balanced-flare\",\"prompt\":\"balanced " + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, openai.statusCode(), openai.body());
            assertEquals("openai-b", openai.headers().firstValue("x-gateway-deployment").orElse(null));
            Doors.Outcome grpc = doors.grpc("balanced " + i, 10_000);
            assertEquals(Status.Code.OK, grpc.grpcCode(), grpc.message());
            assertTrue(grpc.servedBy().startsWith("openai/openai-b/"), grpc.servedBy());
        }
        // openai-a's breaker opened on its 503s: it is skipped now, and readiness says so while staying UP
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort()
                + "/observe/health/ready?exposureLevel=full")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("openai-a OPEN") && health.body().contains("openai-b CLOSED"), health.body());
        int before = calls(A);
        assertEquals(200, doors.rest("after the circuit opened").httpStatus());
        assertEquals(before, calls(A), "an open circuit is not called");
    }
}
