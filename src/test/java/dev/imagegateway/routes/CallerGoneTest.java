package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Properties;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A caller that leaves before its answer (an HTTP client that gives up and closes, a gRPC deadline) is recorded as
 * cancelled (499 / CANCELLED), not as a success, and its upstream attempt is not repeated.
 */
class CallerGoneTest extends StubbedGatewayTestSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "2");
        p.setProperty("upstream.retry-initial-delay-ms", "10");
        // a breaker quick to open: callers leaving must not count as the upstream failing
        p.setProperty("circuit.minimum-calls", "4");
        p.setProperty("circuit.sliding-window", "4");
    }

    private double requests(String door, String status) throws Exception {
        return metricValue(metricsText(), "gateway_requests_total{door=\"" + door + "\",key=\"env-1\",status=\"" + status + "\"}");
    }

    private double awaitRequests(String door, String status, double atLeast) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        double value;
        while ((value = requests(door, status)) < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        return value;
    }

    @Test
    void anHttpClientThatGivesUpIsRecordedAs499() throws Exception {
        upstream().answer(aResponse().withStatus(503).withFixedDelay(2500));
        double before = requests("rest", "499");
        assertThrows(HttpTimeoutException.class, () -> http.send(HttpRequest.newBuilder(URI.create(restUrl()))
                .timeout(Duration.ofMillis(800)).header("Content-Type", "application/json").header("X-API-KEY", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString()));
        assertEquals(before + 1, awaitRequests("rest", "499", before + 1));
        Thread.sleep(3000);
        assertEquals(1, upstreamCalls(), "a failed attempt for a caller who left is not retried");
        assertEquals(0, requests("rest", "502"), "and not recorded as the upstream's failure");
    }

    @Test
    void aGrpcCallPastItsDeadlineIsRecordedAsCancelled() throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(2500).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
        double before = requests("grpc", "CANCELLED");
        assertEquals(Status.Code.DEADLINE_EXCEEDED, doors().grpc("x", 800).grpcCode());
        assertEquals(before + 1, awaitRequests("grpc", "CANCELLED", before + 1));
        assertEquals(0, requests("grpc", "OK"), "not a success");
        Thread.sleep(2500);
        assertTrue(listImages().isEmpty(), "the upstream call was cancelled before its image came");
    }

    @Test
    void callersWhoLeaveDoNotOpenTheCircuit() throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(2000).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
        for (int i = 0; i < 5; i++) {
            Doors.Outcome leaving = doors().grpc("leaving " + i, 300);
            assertEquals(Status.Code.DEADLINE_EXCEEDED, leaving.grpcCode(), leaving.toString());
        }
        awaitRequests("grpc", "CANCELLED", 5);
        upstream().reset();
        upstream().answerImage(UpstreamStub.png(4, 4));
        Doors.Outcome next = doors().grpc("staying", 10_000);
        assertEquals(Status.Code.OK, next.grpcCode(), next.toString());
    }
}
