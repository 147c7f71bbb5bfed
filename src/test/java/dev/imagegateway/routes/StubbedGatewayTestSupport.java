package dev.imagegateway.routes;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * The real gateway in front of a WireMock stand-in for OpenAI, one per test class, reset before each test
 * (with the images folder emptied).
 */
public abstract class StubbedGatewayTestSupport extends GatewayTestSupport {

    // the gateway's properties are asked for from CamelTestSupport's constructor: the stub lives outside the instance
    private static final Map<Class<?>, UpstreamStub> STUBS = new ConcurrentHashMap<>();

    protected final UpstreamStub upstream() {
        return STUBS.computeIfAbsent(getClass(), c -> new UpstreamStub());
    }

    @Override
    protected final Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", UpstreamStub.OPENAI_KEY);
        p.setProperty("openai.base-url", upstream().baseUrl());
        upstreamSettings(p);
        return p;
    }

    /** Settings of the gateway under test beyond its upstream (retries, breaker, timeouts...). */
    protected abstract void upstreamSettings(Properties p);

    /** How many calls reached the upstream since the test began. */
    protected int upstreamCalls() {
        return upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH))).size();
    }

    /**
     * Starts {@code n} REST calls that the (slow) upstream holds, and returns once all have reached it: what fills
     * the gateway's slots before a test of what happens to the next call.
     */
    protected final java.util.List<java.util.concurrent.CompletableFuture<Doors.Outcome>> holdRestCalls(int n) throws Exception {
        java.util.List<java.util.concurrent.CompletableFuture<Doors.Outcome>> held = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String prompt = "held " + i;
            held.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return doors().rest(prompt);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        long deadline = System.currentTimeMillis() + 3000;
        while (upstreamCalls() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        org.junit.jupiter.api.Assertions.assertEquals(n, upstreamCalls(), "the held calls reached the upstream");
        return held;
    }

    @BeforeEach
    void resetUpstream() throws Exception {
        upstream().reset();
        clearImages();
    }

    private Doors doors;

    /** A client of both doors, opened on first use, closed with the gateway. */
    protected final Doors doors() {
        if (doors == null) {
            doors = new Doors(httpPort(), grpcPort(), KEY);
        }
        return doors;
    }

    @AfterAll
    void stopUpstream() {
        if (doors != null) {
            doors.close();
        }
        UpstreamStub stub = STUBS.remove(getClass());
        if (stub != null) {
            stub.stop();
        }
    }
}
