package dev.imagegateway.routes;

import java.util.Base64;
import java.util.Properties;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A REST call that waited for a worker longer than UPSTREAM_MAX_WAIT_MS is refused like one the bulkhead kept
 * waiting: 503 + Retry-After, counted as in-flight, never sent upstream; the same bounded wait gRPC callers get.
 */
class WorkerQueueWaitTest extends StubbedGatewayTestSupport {

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        p.setProperty("http.worker-threads", "2");
        p.setProperty("upstream.max-in-flight", "10");
        p.setProperty("upstream.max-wait-ms", "300");
    }

    @Test
    void aCallThatWaitedTooLongForAWorkerIsRefusedNotQueuedForEver() throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(3000).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
        List<CompletableFuture<Doors.Outcome>> held = holdRestCalls(2);

        long start = System.currentTimeMillis();
        Doors.Outcome third = doors().rest("third");
        assertEquals(503, third.httpStatus(), third.toString());
        assertEquals("1", third.retryAfter(), third.toString());
        assertTrue(third.message().contains("overloaded"), third.message());
        // it waited for a worker (the first two held both), then was refused rather than sent
        assertTrue(System.currentTimeMillis() - start >= 1500, "it waited for a worker first");
        for (CompletableFuture<Doors.Outcome> call : held) {
            assertEquals(200, call.get().httpStatus());
        }
        assertEquals(2, upstreamCalls(), "the refused call never reached the upstream");
    }
}
