package dev.imagegateway.routes;

import java.util.Base64;
import java.util.Properties;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.imagegateway.routes.Doors.Door;
import dev.imagegateway.routes.Doors.Outcome;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries over both doors: what is retried, how often, how long the waits take, and what the client sees. */
class UpstreamResilienceTest extends StubbedGatewayTestSupport {

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.response-timeout-ms", "1500");
        p.setProperty("upstream.retries", "2");
        p.setProperty("upstream.retry-initial-delay-ms", "100");
        p.setProperty("upstream.retry-after-max-ms", "3000");
        // the breaker stays out of these tests (CircuitBreakerTest has its own)
        p.setProperty("circuit.minimum-calls", "1000");
        p.setProperty("circuit.sliding-window", "1000");
    }

    /** Fails {@code failures} times with the given answer, then returns a PNG. */
    private void flaky(int failures, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
        String state = Scenario.STARTED;
        for (int i = 1; i <= failures; i++) {
            upstream().server().stubFor(post(urlEqualTo(UpstreamStub.PATH)).inScenario("flaky").whenScenarioStateIs(state)
                    .willReturn(failure).willSetStateTo("failed-" + i));
            state = "failed-" + i;
        }
        upstream().server().stubFor(post(urlEqualTo(UpstreamStub.PATH)).inScenario("flaky").whenScenarioStateIs(state)
                .willReturn(aResponse().withStatus(200).withBody(
                        UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4))))));
    }

    private static void assertOk(Door door, Outcome outcome) {
        if (door == Door.REST) {
            assertEquals(200, outcome.httpStatus(), outcome.message());
        } else {
            assertEquals(Status.Code.OK, outcome.grpcCode(), outcome.message());
        }
        assertNotNull(outcome.filename());
    }

    private static void assertStatus(Door door, Outcome outcome, int http, Status.Code grpc) {
        if (door == Door.REST) {
            assertEquals(http, outcome.httpStatus(), outcome.message());
        } else {
            assertEquals(grpc, outcome.grpcCode(), outcome.message());
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void flakyUpstreamSucceedsOnTheThirdAttempt(Door door) throws Exception {
        flaky(2, aResponse().withStatus(503).withBody(UpstreamStub.error("overloaded", null)));
        Outcome outcome = doors().call(door, "x");
        assertOk(door, outcome);
        assertEquals(3, upstreamCalls());
        savedImage(outcome.filename());
        assertEquals(1, savedImages().size(), "one image for one request, whatever the attempts");
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void statuses408And409AndResetsAreRetried(Door door) throws Exception {
        flaky(2, aResponse().withStatus(408));
        assertOk(door, doors().call(door, "x"));
        assertEquals(3, upstreamCalls());
        upstream().reset();
        flaky(1, aResponse().withStatus(409));
        assertOk(door, doors().call(door, "x"));
        assertEquals(2, upstreamCalls());
        upstream().reset();
        flaky(2, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertOk(door, doors().call(door, "x"));
        assertEquals(3, upstreamCalls());
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void persistentServerErrorsGiveUpAfterTwoRetries(Door door) throws Exception {
        upstream().answerJson(500, UpstreamStub.error("boom", null));
        Outcome outcome = doors().call(door, "x");
        assertStatus(door, outcome, 502, Status.Code.UNAVAILABLE);
        assertEquals(3, upstreamCalls());
        assertTrue(savedImages().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void retryAfterIsHonouredAndPassedOnWhenStill429(Door door) throws Exception {
        upstream().answer(aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withBody(UpstreamStub.error("Rate limit reached", "rate_limit_exceeded")));
        long start = System.nanoTime();
        Outcome outcome = doors().call(door, "x");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertStatus(door, outcome, 429, Status.Code.RESOURCE_EXHAUSTED);
        assertEquals("1", outcome.retryAfter());
        assertEquals(3, upstreamCalls());
        // two waits of Retry-After (1 s each), not the 100 ms backoff
        assertTrue(tookMs >= 1900 && tookMs < 6000, "took " + tookMs + " ms");
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void retryAfterBeyondTheCapIsPassedOnAtOnce(Door door) throws Exception {
        upstream().answer(aResponse().withStatus(429).withHeader("Retry-After", "120")
                .withBody(UpstreamStub.error("Slow down", null)));
        Outcome outcome = doors().call(door, "x");
        assertStatus(door, outcome, 429, Status.Code.RESOURCE_EXHAUSTED);
        assertEquals("120", outcome.retryAfter());
        assertEquals(1, upstreamCalls());
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void otherClientErrorsAndBadImagesAreNeverRetried(Door door) throws Exception {
        upstream().answerJson(400, UpstreamStub.error("Your request was rejected by our safety system", "content_policy_violation"));
        assertStatus(door, doors().call(door, "x"), 400, Status.Code.INVALID_ARGUMENT);
        assertEquals(1, upstreamCalls());
        upstream().reset();
        upstream().answerJson(401, UpstreamStub.error("Incorrect API key", null));
        assertStatus(door, doors().call(door, "x"), 502, Status.Code.UNAVAILABLE);
        assertEquals(1, upstreamCalls());
        upstream().reset();
        upstream().answerJson(200, "{\"data\":[]}");
        assertStatus(door, doors().call(door, "x"), 502, Status.Code.INTERNAL);
        assertEquals(1, upstreamCalls());
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void aTimeoutIsNotRetried(Door door) throws Exception {
        upstream().answer(aResponse().withStatus(200).withFixedDelay(3000).withBody("{}"));
        assertStatus(door, doors().call(door, "x"), 504, Status.Code.DEADLINE_EXCEEDED);
        assertEquals(1, upstreamCalls());
    }

    @Test
    void noRetryStartsThatTheGrpcDeadlineCannotFit() {
        upstream().answer(aResponse().withStatus(503).withHeader("Retry-After", "2").withBody(UpstreamStub.error("busy", null)));
        long start = System.nanoTime();
        Outcome outcome = doors().grpc("x", 1500);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Status.Code.UNAVAILABLE, outcome.grpcCode(), outcome.message());
        assertEquals(1, upstreamCalls());
        assertTrue(tookMs < 1000, "answered at once instead of waiting past the deadline: " + tookMs + " ms");
    }

    @Test
    void noRetryStartsAfterTheGrpcClientCancels() throws Exception {
        // each attempt takes 700 ms and fails; the client cancels after 300 ms, well before its deadline
        upstream().answer(aResponse().withStatus(500).withFixedDelay(700).withBody(UpstreamStub.error("slow failure", null)));
        io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            timer.schedule(() -> call.cancel(null), 300, java.util.concurrent.TimeUnit.MILLISECONDS);
            Outcome outcome = call.call(() -> doors().grpc("x", 30_000));
            assertEquals(Status.Code.CANCELLED, outcome.grpcCode());
        } finally {
            timer.shutdownNow();
        }
        Thread.sleep(2000);
        assertEquals(1, upstreamCalls(), "the attempt in flight ends, no other starts");
    }
}
