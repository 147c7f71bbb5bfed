package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Properties;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One overload behaviour for every door: with the calls allowed in flight all taken, a new call waits its bounded
 * time, then REST answers 503 + Retry-After, the OpenAI door the same status in OpenAI's error shape, gRPC UNAVAILABLE
 * with a retry-after trailer; each is counted by reason in the metrics, none reaches the upstream, and none counts as
 * the upstream failing (a breaker that opened on them would turn a busy minute into half a minute of refusals).
 */
class OverloadTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        p.setProperty("upstream.max-in-flight", "2");
        p.setProperty("upstream.max-wait-ms", "200");
        // a breaker quick to open: the gateway's own refusals must not count as the upstream failing
        p.setProperty("circuit.minimum-calls", "4");
        p.setProperty("circuit.sliding-window", "4");
    }

    @Test
    void everyDoorAnswersTheSameOverloadStatus() throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(4000).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
        List<CompletableFuture<Doors.Outcome>> held = holdRestCalls(2);

        Doors.Outcome rest = doors().rest("x");
        assertEquals(503, rest.httpStatus());
        assertEquals("1", rest.retryAfter());
        assertTrue(rest.message().contains("overloaded"), rest.message());

        HttpResponse<String> openai = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\",\"response_format\":\"b64_json\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, openai.statusCode(), openai.body());
        assertEquals("1", openai.headers().firstValue("Retry-After").orElse(null));
        JsonNode error = JSON.readTree(openai.body()).path("error");
        assertEquals("server_error", error.path("type").asText());
        assertEquals("overloaded", error.path("code").asText());

        Doors.Outcome grpc = doors().grpc("x", 10_000);
        assertEquals(Status.Code.UNAVAILABLE, grpc.grpcCode());
        assertEquals("1", grpc.retryAfter());
        assertTrue(grpc.message().contains("overloaded"), grpc.message());

        assertEquals(2, upstreamCalls(), "a refused call never reaches the upstream");
        for (CompletableFuture<Doors.Outcome> call : held) {
            assertEquals(200, call.get().httpStatus());
        }

        String metrics = metricsText();
        assertTrue(metrics.contains("gateway_overload_refused_total{reason=\"in-flight\"} 3.0"), metrics);
        // with the slots free again, the next call goes through: three refusals did not open the circuit
        upstream().reset();
        upstream().answerImage(UpstreamStub.png(4, 4));
        assertEquals(Status.Code.OK, doors().grpc("after", 10_000).grpcCode());
    }
}
