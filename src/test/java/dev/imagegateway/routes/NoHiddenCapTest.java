package dev.imagegateway.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import imagegeneration.ImageResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No door's concurrency is capped by a pool below the configured maximum: with UPSTREAM_MAX_IN_FLIGHT at its default
 * (1,000), a thousand slow calls through each door are all in flight at the upstream at once (counted there, by a
 * stub that holds them), and all succeed once it answers. Worker pools, connection pools, gRPC executors and
 * per-connection stream limits would each show here as fewer calls held.
 */
class NoHiddenCapTest extends GatewayTestSupport {

    private static final int CALLS = 1000;
    private static HoldingUpstream upstream;

    private static synchronized HoldingUpstream upstream() {
        if (upstream == null) {
            try {
                upstream = new HoldingUpstream();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return upstream;
    }

    private final Vertx clients = Vertx.vertx();

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", UpstreamStub.OPENAI_KEY);
        p.setProperty("openai.base-url", upstream().baseUrl());
        p.setProperty("upstream.retries", "0");
        // the property under test keeps its default: every pool must follow it
        return p;
    }

    @AfterAll
    void stopClients() {
        clients.close();
        upstream().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest", "openai", "grpc"})
    void aThousandSlowCallsAreAllInFlightAtOnce(String door) throws Exception {
        List<CompletableFuture<String>> calls = door.equals("grpc") ? grpcCalls() : httpCalls(door);
        long deadline = System.currentTimeMillis() + 120_000;
        while (upstream().holding() < CALLS && System.currentTimeMillis() < deadline
                && calls.stream().noneMatch(CompletableFuture::isDone)) {
            Thread.sleep(50);
        }
        int held = upstream().holding();
        upstream().answerAll();
        List<String> outcomes = new ArrayList<>();
        for (CompletableFuture<String> call : calls) {
            outcomes.add(call.get(120, TimeUnit.SECONDS));
        }
        assertEquals(CALLS, held, door + ": calls in flight at the upstream at once");
        assertEquals(CALLS, outcomes.stream().filter("ok"::equals).count(),
                door + ": all succeed; others: " + outcomes.stream().filter(o -> !o.equals("ok")).distinct().toList());
        assertEquals(0, upstream().holding());
    }

    private List<CompletableFuture<String>> httpCalls(String door) {
        HttpClient http = clients.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(CALLS).setMaxWaitQueueSize(-1));
        boolean rest = door.equals("rest");
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(httpPort())
                .setURI(rest ? "/generate" : "/v1/images/generations").putHeader("Content-Type", "application/json")
                .putHeader(rest ? "X-API-KEY" : "Authorization", rest ? KEY : "Bearer " + KEY).setTimeout(180_000);
        Buffer body = Buffer.buffer(rest ? "{\"prompt\":\"a slow one\"}" : "{\"prompt\":\"a slow one\",\"response_format\":\"b64_json\"}");
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            CompletableFuture<String> call = new CompletableFuture<>();
            http.request(options).compose(request -> request.send(body)).compose(response ->
                    response.body().map(b -> response.statusCode() == 200 ? "ok" : response.statusCode() + " " + b))
                    .onComplete(done -> call.complete(done.succeeded() ? done.result() : "failed: " + done.cause()));
            calls.add(call);
        }
        return calls;
    }

    private List<CompletableFuture<String>> grpcCalls() {
        // a client spreads calls over a few connections, as grpc-java's own load balancing would
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext().build());
        }
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            CompletableFuture<String> call = new CompletableFuture<>();
            ImageGenerationServiceGrpc.newStub(channels.get(i % channels.size())).withDeadlineAfter(180, TimeUnit.SECONDS)
                    .generateImage(ImageRequest.newBuilder().setPrompt("a slow one").setApiKey(KEY).build(),
                            new StreamObserver<ImageResponse>() {
                                @Override
                                public void onNext(ImageResponse value) {
                                    call.complete("ok");
                                }

                                @Override
                                public void onError(Throwable t) {
                                    call.complete("failed: " + io.grpc.Status.fromThrowable(t));
                                }

                                @Override
                                public void onCompleted() {
                                    call.complete("no reply");
                                }
                            });
            calls.add(call);
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .whenComplete((done, failed) -> channels.forEach(ManagedChannel::shutdownNow));
        return calls;
    }
}
