package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.images.ImageGenerateParams;
import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What real clients rely on: SDK retries that do not multiply the gateway's own (x-should-retry), a request id on
 * every reply (the caller's own when it sent one), and cross-origin access for allowed web apps.
 */
class ClientConventionsTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "https://app.example.com";
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "2");
        p.setProperty("upstream.retry-initial-delay-ms", "10");
        p.setProperty("upstream.retry-max-delay-ms", "20");
        p.setProperty("cors.origins", APP);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder generate(String json) {
        return HttpRequest.newBuilder(URI.create(restUrl())).header("Content-Type", "application/json").header("X-API-KEY", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    @Test
    void anSdkWithItsDefaultRetriesDoesNotMultiplyTheGatewaysRetries() {
        upstream().answer(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.error("Rate limit reached", "rate_limit_exceeded")));
        // the SDK's defaults: two retries of its own on a 429, unless the reply says not to
        OpenAIClient sdk = OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl("http://localhost:" + httpPort() + "/v1").build();
        try {
            RateLimitException e = assertThrows(RateLimitException.class,
                    () -> sdk.images().generate(ImageGenerateParams.builder().prompt("x").build()));
            assertEquals("false", e.headers().values("x-should-retry").get(0));
            assertEquals(3, upstreamCalls(), "the gateway's three attempts, and no more behind the SDK");
            assertTrue(e.headers().values("x-request-id").size() == 1, "the SDK sees the request id");
        } finally {
            sdk.close();
        }
    }

    @Test
    void everyReplyCarriesARequestIdTheCallersOwnWhenSane() throws Exception {
        upstream().answerImage(UpstreamStub.png(4, 4));
        HttpResponse<String> own = send(generate("{\"prompt\":\"x\"}").header("X-Request-Id", "trace-42"));
        assertEquals("trace-42", own.headers().firstValue("x-request-id").orElseThrow());
        String filename = JSON.readTree(own.body()).get("filename").asText();
        JsonNode meta = JSON.readTree(Files.readString(imagesDir.resolve(".meta").resolve(filename + ".json")));
        assertEquals("trace-42", meta.get("request_id").asText());

        HttpResponse<String> insane = send(generate("{\"prompt\":\"x\"}").header("X-Request-Id", "a b c"));
        String generated = insane.headers().firstValue("x-request-id").orElseThrow();
        assertFalse(generated.contains(" "), generated);
        HttpResponse<String> tooLong = send(generate("{\"prompt\":\"x\"}").header("X-Request-Id", "x".repeat(129)));
        assertFalse(tooLong.headers().firstValue("x-request-id").orElseThrow().startsWith("xxxx"));

        // errors too, and a failure on the serving side names the id in its message
        HttpResponse<String> unauthorized = send(HttpRequest.newBuilder(URI.create(restUrl())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).header("X-Request-Id", "no-key-1"));
        assertEquals(401, unauthorized.statusCode());
        assertEquals("no-key-1", unauthorized.headers().firstValue("x-request-id").orElseThrow());
        upstream().reset();
        upstream().answerJson(503, UpstreamStub.error("down", null));
        HttpResponse<String> failed = send(generate("{\"prompt\":\"x\"}").header("X-Request-Id", "broken-7"));
        assertEquals(502, failed.statusCode());
        assertTrue(failed.body().contains("(request id broken-7)"), failed.body());
        assertEquals("false", failed.headers().firstValue("x-should-retry").orElseThrow());
    }

    @Test
    void grpcRepliesCarryTheRequestIdInTheirMetadata() throws Exception {
        upstream().answerImage(UpstreamStub.png(4, 4));
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext().build();
        try {
            Metadata sent = new Metadata();
            sent.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "grpc-trace-1");
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            ImageGenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sent), MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                    .generateImage(ImageRequest.newBuilder().setPrompt("x").setApiKey(KEY).build());
            assertEquals("grpc-trace-1", headers.get().get(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER)));

            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ImageGenerationServiceGrpc.newBlockingStub(channel)
                    .generateImage(ImageRequest.newBuilder().setPrompt("x").setApiKey("wrong").build()));
            assertFalse(e.getTrailers().get(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER)).isEmpty(),
                    "a call refused at once carries its id in the trailers");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void allowedWebAppsGetCorsOnTheApiNotOnTheConsole() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", APP)
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization, content-type"));
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(APP, preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().contains("Authorization"));

        HttpResponse<String> other = send(HttpRequest.newBuilder(URI.create(restUrl())).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.com"));
        assertEquals(405, other.statusCode(), "another origin gets no preflight");
        assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());

        upstream().answerImage(UpstreamStub.png(4, 4));
        HttpResponse<String> actual = send(generate("{\"prompt\":\"x\"}").header("Origin", APP));
        assertEquals(200, actual.statusCode());
        assertEquals(APP, actual.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(actual.headers().firstValue("Access-Control-Expose-Headers").orElseThrow().contains("x-request-id"));

        HttpResponse<String> api = send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/api/info"))
                .header("X-API-KEY", KEY).header("Origin", APP));
        assertEquals(APP, api.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        HttpResponse<String> console = send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/")).header("Origin", APP));
        assertEquals(200, console.statusCode());
        assertTrue(console.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "the console's page is never cross-origin");
    }
}
