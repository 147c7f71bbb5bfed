package dev.imagegateway.routes;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A stand-in for OpenAI's images API that holds every call it receives until told to answer, counting how many it
 * holds: what a test needs to see how many calls the gateway lets through at once. Non-blocking (Vert.x), so it can
 * hold thousands; it answers with OpenAI's documented envelope around a small PNG.
 */
final class HoldingUpstream implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Buffer reply;
    private final List<HttpServerRequest> held = new ArrayList<>();
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger mostHeld = new AtomicInteger();

    HoldingUpstream() throws Exception {
        reply = Buffer.buffer(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4))));
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            synchronized (held) {
                held.add(request);
            }
            mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    /** Calls held now. */
    int holding() {
        return holding.get();
    }

    /** The most calls held at once since the last {@link #answerAll()}. */
    int mostHeld() {
        return mostHeld.get();
    }

    /** Answers every held call (and resets the high-water mark). */
    void answerAll() {
        List<HttpServerRequest> now;
        synchronized (held) {
            now = new ArrayList<>(held);
            held.clear();
        }
        holding.addAndGet(-now.size());
        mostHeld.set(holding.get());
        for (HttpServerRequest request : now) {
            request.response().putHeader("Content-Type", "application/json").end(reply);
        }
    }

    @Override
    public void close() {
        vertx.close();
    }
}
