package dev.imagegateway.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping the gateway (what SIGTERM does) with 30 REST and 30 gRPC calls in flight on a 3 s upstream: every one is
 * answered with its image, and a REST call that arrives after the stop began gets 503 in the JSON error shape.
 */
class GracefulShutdownTest extends StubbedGatewayTestSupport {

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
    }

    @Test
    void everyCallInFlightIsAnsweredOnEveryDoor() throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(3000).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(64, 64)))));
        ExecutorService callers = Executors.newFixedThreadPool(61);
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            List<Future<Doors.Outcome>> rest = new ArrayList<>();
            List<Future<Doors.Outcome>> grpc = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                rest.add(callers.submit(() -> doors.rest("in flight")));
                grpc.add(callers.submit(() -> doors.grpc("in flight", 30_000)));
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (upstreamCalls() < 60 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(60, upstreamCalls(), "all 60 calls are with the upstream");

            Future<?> stopping = callers.submit(() -> context.stop());
            Thread.sleep(300);
            Doors.Outcome late = doors.rest("too late");
            assertEquals(503, late.httpStatus());
            assertTrue(late.message() != null && late.message().contains("shutting down"), "a JSON error: " + late.message());

            for (Future<Doors.Outcome> call : rest) {
                Doors.Outcome outcome = call.get(30, TimeUnit.SECONDS);
                assertEquals(200, outcome.httpStatus(), outcome.message());
                assertTrue(outcome.filename() != null && !outcome.filename().isEmpty());
            }
            for (Future<Doors.Outcome> call : grpc) {
                Doors.Outcome outcome = call.get(30, TimeUnit.SECONDS);
                assertEquals(Status.Code.OK, outcome.grpcCode(), outcome.message());
            }
            stopping.get(30, TimeUnit.SECONDS);
            assertEquals(60, listImages().size(), "every image answered is on disk");
        } finally {
            callers.shutdownNow();
        }
    }
}
