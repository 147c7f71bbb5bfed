package dev.imagegateway.routes;

import java.util.Properties;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wrong keys from one address are throttled after a burst, over every door, without telling whether a key exists. */
class AuthThrottleTest extends StubbedGatewayTestSupport {

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("auth.failures-burst", "5");
        p.setProperty("auth.failures-per-minute", "6");
    }

    @Test
    void aClientGuessingKeysIsSlowedWhateverItSendsNext() throws Exception {
        upstream().answerImage(UpstreamStub.png(4, 4));
        try (Doors wrong = new Doors(httpPort(), grpcPort(), "guess")) {
            for (int i = 0; i < 5; i++) {
                assertEquals(401, wrong.rest("x").httpStatus());
            }
            Doors.Outcome throttled = wrong.rest("x");
            assertEquals(429, throttled.httpStatus(), throttled.message());
            assertTrue(Integer.parseInt(throttled.retryAfter()) >= 1, throttled.retryAfter());
            assertTrue(throttled.message().contains("failed key checks"), throttled.message());
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, wrong.grpc("x", 5000).grpcCode(), "gRPC from the same address too");
        }
        // a right key from the throttled address gets the same answer: nothing tells it apart from a wrong one
        Doors.Outcome right = doors().rest("x");
        assertEquals(429, right.httpStatus(), right.message());
        assertEquals(0, upstreamCalls());
        String metrics = metricsText();
        assertTrue(metrics.contains("gateway_auth_failures_total 5.0"), metrics);
        assertFalse(metrics.contains("gateway_auth_throttled_total 0.0"), "throttled checks are counted");
    }
}
