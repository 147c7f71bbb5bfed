package dev.imagegateway.routes;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A FLUX job that takes longer than the caller will wait: the answer is DEADLINE_EXCEEDED / 504 when the deadline
 * passes, and no poll is sent after it, nor after a caller cancels.
 */
class BflPollingTest extends ProviderStubTestSupport {

    @Override
    protected String catalog() {
        return """
                    default: flux-2-pro
                    models:
                      flux-2-pro:
                        deployments: [{name: bfl-main, provider: bfl, base_url: BASE/bfl/v1, api_key: env:KEY_BFL}]
                    """;
    }

    @Override
    protected void settings(Properties p) {
        p.setProperty("KEY_BFL", "k-bfl");
        p.setProperty("bfl.poll-interval-ms", "100");
        p.setProperty("upstream.retries", "0");
        // the REST door's deadline: the gateway's own call timeout
        p.setProperty("upstream.call-timeout-ms", "1500");
    }

    @BeforeEach
    void aJobThatIsNeverReady() {
        stub().resetAll();
        stub().stubFor(post(urlEqualTo("/bfl/v1/flux-2-pro")).willReturn(ProviderKits.json(200,
                "{\"id\":\"job-1\",\"polling_url\":\"" + base() + "/bfl/v1/get_result?id=job-1\"}")));
        stub().stubFor(ProviderKits.Bfl.poll().willReturn(ProviderKits.json(200, "{\"id\":\"job-1\",\"status\":\"Pending\",\"result\":null}")));
    }

    private int polls() {
        return stub().findAll(getRequestedFor(urlEqualTo("/bfl/v1/get_result?id=job-1"))).size();
    }

    /** Polls sent once the outcome is known stay as they were a while later. */
    private void assertNoFurtherPolls() throws InterruptedException {
        Thread.sleep(150); // a poll already on the wire when the answer went out may still land
        int settled = polls();
        Thread.sleep(700);
        assertEquals(settled, polls(), "no poll after the deadline or the cancel");
    }

    @Test
    void restIs504WhenTheCallsDeadlinePassesAndPollingStops() throws Exception {
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            Doors.Outcome rest = doors.rest("a slow kite");
            assertEquals(504, rest.httpStatus(), rest.message());
            assertTrue(polls() >= 5 && polls() <= 20, "polled about every 100 ms for 1.5 s: " + polls());
        }
        assertNoFurtherPolls();
        assertEquals(0, savedImages().size());
    }

    @Test
    void grpcIsDeadlineExceededAndPollingStops() throws Exception {
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            Doors.Outcome grpc = doors.grpc("a slow kite", 700);
            assertEquals(Status.Code.DEADLINE_EXCEEDED, grpc.grpcCode());
        }
        assertTrue(polls() >= 2, "it polled before the deadline: " + polls());
        assertNoFurtherPolls();
    }

    @Test
    void aCallerThatCancelsStopsThePolling() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext().build();
        try {
            Context.CancellableContext call = Context.current().withCancellation();
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                call.cancel(null);
            });
            canceller.start();
            Status.Code code = call.call(() -> {
                try {
                    ImageGenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .generateImage(ImageRequest.newBuilder().setPrompt("cancelled kite").setApiKey(KEY).build());
                    return Status.Code.OK;
                } catch (io.grpc.StatusRuntimeException e) {
                    return e.getStatus().getCode();
                }
            });
            assertEquals(Status.Code.CANCELLED, code);
            assertTrue(polls() >= 1, "it polled before the cancel: " + polls());
            assertNoFurtherPolls();
        } finally {
            channel.shutdownNow();
        }
    }
}
