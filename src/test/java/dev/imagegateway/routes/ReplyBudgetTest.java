package dev.imagegateway.routes;

import java.util.ArrayList;
import java.util.Base64;
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
 * The memory budget for replies refuses instead of allocating: with a budget of about one large reply and many of
 * them arriving together, some requests are answered 503 with Retry-After (gRPC UNAVAILABLE), none 500, the rest
 * succeed, and the circuit breaker does not take the gateway's own limit for the upstream failing.
 */
class ReplyBudgetTest extends StubbedGatewayTestSupport {

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        p.setProperty("memory.reply-budget-bytes", Integer.toString(6 * 1024 * 1024));
        p.setProperty("memory.reply-budget-wait-ms", "100");
        p.setProperty("circuit.minimum-calls", "4");
        p.setProperty("circuit.sliding-window", "4");
    }

    @Test
    void aSpentBudgetRefusesWithRetryAfterAndNeverFails() throws Exception {
        // about 2 MB of base64 each, all answered at the same moment
        byte[] image = new byte[1_500_000];
        new java.util.Random(3).nextBytes(image);
        System.arraycopy(UpstreamStub.png(1, 1), 0, image, 0, 8);
        upstream().answer(aResponse().withStatus(200).withFixedDelay(500).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(image))));
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            List<Future<Doors.Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                calls.add(callers.submit(() -> n % 2 == 0 ? doors().rest("x") : doors().grpc("x", 20_000)));
            }
            int ok = 0;
            int refused = 0;
            for (Future<Doors.Outcome> call : calls) {
                Doors.Outcome outcome = call.get(30, TimeUnit.SECONDS);
                if (outcome.httpStatus() == 200 || outcome.grpcCode() == Status.Code.OK) {
                    ok++;
                } else {
                    assertTrue(outcome.httpStatus() == 503 || outcome.grpcCode() == Status.Code.UNAVAILABLE,
                            "refused, never failed: " + outcome);
                    assertEquals("1", outcome.retryAfter(), outcome.toString());
                    assertTrue(outcome.message().contains("memory"), outcome.message());
                    refused++;
                }
            }
            assertTrue(ok >= 1, "some succeed: " + ok);
            assertTrue(refused >= 1, "some are refused rather than allocated: " + refused);
        } finally {
            callers.shutdownNow();
        }
        // the gateway's own limit did not open the circuit: the next call goes through
        upstream().reset();
        upstream().answerImage(UpstreamStub.png(4, 4));
        assertEquals(200, doors().rest("after").httpStatus());
    }
}
