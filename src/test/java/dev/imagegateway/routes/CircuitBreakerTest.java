package dev.imagegateway.routes;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.imagegateway.routes.Doors.Outcome;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Resilience4j breaker opens on sustained upstream failures, answers fast, probes and closes; the bulkhead caps calls. */
class CircuitBreakerTest extends StubbedGatewayTestSupport {

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        p.setProperty("circuit.sliding-window", "4");
        p.setProperty("circuit.minimum-calls", "4");
        p.setProperty("circuit.failure-rate-threshold", "50");
        p.setProperty("circuit.open-seconds", "2");
        p.setProperty("circuit.half-open-calls", "1");
        p.setProperty("upstream.max-in-flight", "2");
        p.setProperty("upstream.max-wait-ms", "100");
    }

    @Test
    void opensAnswersFastProbesAndCloses() throws Exception {
        upstream().reset();
        upstream().answerJson(500, UpstreamStub.error("down", null));
        for (int i = 0; i < 4; i++) {
            assertEquals(502, doors().rest("x").httpStatus());
        }
        assertEquals(4, upstreamCalls());

        // open: both doors answer at once, without calling the upstream
        Outcome rest = doors().rest("x");
        assertEquals(503, rest.httpStatus());
        assertEquals("2", rest.retryAfter());
        assertTrue(rest.message().contains("stopped calling"), rest.message());
        Outcome grpc = doors().grpc("x", 5000);
        assertEquals(Status.Code.UNAVAILABLE, grpc.grpcCode());
        // and the gateway says it is not ready, naming why
        var health = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + httpPort() + "/observe/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(health.body().contains("upstream-circuit"), health.body());
        assertEquals(4, upstreamCalls());
        assertTrue(savedImages().isEmpty());

        // after the open period the upstream has recovered: a probe goes through and the circuit closes
        upstream().reset();
        upstream().answerImage(UpstreamStub.png(4, 4));
        Thread.sleep(2300);
        assertEquals(200, doors().rest("x").httpStatus());
        for (int i = 0; i < 3; i++) {
            assertEquals(Status.Code.OK, doors().grpc("x", 5000).grpcCode());
        }
        assertEquals(200, java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + httpPort() + "/observe/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(4, upstreamCalls());
    }

    @Test
    void theBulkheadRefusesCallsBeyondItsCap() throws Exception {
        upstream().reset();
        upstream().answer(aResponse().withStatus(200).withFixedDelay(800)
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> doors().rest("x")));
            }
            int ok = 0;
            int overloaded = 0;
            for (Future<Outcome> call : calls) {
                Outcome outcome = call.get();
                if (outcome.httpStatus() == 200) {
                    ok++;
                } else if (outcome.httpStatus() == 503 && outcome.message().contains("overloaded")) {
                    overloaded++;
                    assertEquals("1", outcome.retryAfter());
                }
            }
            assertEquals(2, ok);
            assertEquals(2, overloaded);
            assertEquals(2, upstreamCalls());
        } finally {
            pool.shutdownNow();
        }
    }
}
