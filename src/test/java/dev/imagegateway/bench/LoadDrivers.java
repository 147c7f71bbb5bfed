package dev.imagegateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import imagegeneration.ImageResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * Closed-loop load: {@code concurrency} callers, each sending its next request as soon as the previous one is
 * answered, for a fixed time. Both drivers are asynchronous (grpc-java's async stub, Vert.x's HTTP client) so that
 * a few threads drive hundreds of calls and the load generator stays cheap beside the gateway.
 */
final class LoadDrivers {

    private LoadDrivers() {
    }

    interface Caller {
        /** Sends one request; calls back with null on success or the error status. */
        void call(int worker, java.util.function.Consumer<String> done);
    }

    static LoadResult run(Caller caller, int concurrency, long warmupMs, long durationMs) throws InterruptedException {
        LoadResult result = new LoadResult();
        long measureFrom = System.currentTimeMillis() + warmupMs;
        long end = measureFrom + durationMs;
        CountDownLatch finished = new CountDownLatch(concurrency);
        for (int w = 0; w < concurrency; w++) {
            loop(caller, w, result, measureFrom, end, finished);
        }
        finished.await(durationMs + warmupMs + 600_000, TimeUnit.MILLISECONDS);
        return result;
    }

    private static void loop(Caller caller, int worker, LoadResult result, long measureFrom, long end, CountDownLatch finished) {
        long started = System.currentTimeMillis();
        if (started >= end) {
            finished.countDown();
            return;
        }
        caller.call(worker, error -> {
            long now = System.currentTimeMillis();
            // every call answered inside the measured window counts, as in steady state
            if (now >= measureFrom && now <= end) {
                if (error == null) {
                    result.ok(now - started);
                } else {
                    result.error(error);
                }
            }
            loop(caller, worker, result, measureFrom, end, finished);
        });
    }

    /** gRPC: a few HTTP/2 connections, calls spread over them. */
    static final class Grpc implements Caller, AutoCloseable {
        private final List<ManagedChannel> channels = new ArrayList<>();
        private final List<ImageGenerationServiceGrpc.ImageGenerationServiceStub> stubs = new ArrayList<>();
        private final AtomicInteger sequence = new AtomicInteger();
        private final String key;

        Grpc(int port, String key, int connections) {
            this.key = key;
            for (int i = 0; i < connections; i++) {
                // a receive window that holds a few 2 MB replies: HTTP/2's default 1 MB would pace the replies
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                        .maxInboundMessageSize(64 * 1024 * 1024).flowControlWindow(16 * 1024 * 1024).build();
                channels.add(channel);
                stubs.add(ImageGenerationServiceGrpc.newStub(channel));
            }
        }

        @Override
        public void call(int worker, java.util.function.Consumer<String> done) {
            ImageRequest request = ImageRequest.newBuilder().setPrompt("benchmark prompt " + sequence.incrementAndGet())
                    .setSize("1024x1024").setApiKey(key).build();
            stubs.get(worker % stubs.size()).withDeadlineAfter(120, TimeUnit.SECONDS)
                    .generateImage(request, new StreamObserver<>() {
                        private boolean gotImage;

                        @Override
                        public void onNext(ImageResponse value) {
                            // the bytes, not getImage(): decoding 2 MB of UTF-8 is the load generator's cost, not the gateway's
                            gotImage = !value.getImageBytes().isEmpty();
                        }

                        @Override
                        public void onError(Throwable t) {
                            Status status = Status.fromThrowable(t);
                            // the load generator's own failure (its replies in flight outgrew its memory), not the gateway's
                            done.accept(status.getCause() instanceof OutOfMemoryError ? "LOAD-GENERATOR-OOM" : status.getCode().name());
                        }

                        @Override
                        public void onCompleted() {
                            done.accept(gotImage ? null : "EMPTY");
                        }
                    });
        }

        @Override
        public void close() {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    /** REST or the OpenAI door: HTTP/1.1 keep-alive connections, one per concurrent caller. */
    static final class Rest implements Caller, AutoCloseable {
        private final HttpClient client;
        private final int port;
        private final String key;
        private final String path;
        private final AtomicInteger sequence = new AtomicInteger();

        Rest(Vertx vertx, int port, String key, int concurrency) {
            this(vertx, port, key, concurrency, "/generate");
        }

        /** {@code path}: /v1/images/generations for the OpenAI door; the simulator's own for calibration. */
        Rest(Vertx vertx, int port, String key, int concurrency, String path) {
            this.path = path;
            this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(concurrency).setMaxWaitQueueSize(-1));
            this.port = port;
            this.key = key;
        }

        @Override
        public void call(int worker, java.util.function.Consumer<String> done) {
            // response_format is the OpenAI door's (base64 back, as /generate answers); /generate ignores it
            Buffer body = Buffer.buffer("{\"prompt\":\"benchmark prompt " + sequence.incrementAndGet()
                    + "\",\"size\":\"1024x1024\",\"response_format\":\"b64_json\"}");
            client.request(HttpMethod.POST, port, "127.0.0.1", path)
                    .compose(request -> request.putHeader("Content-Type", "application/json").putHeader("X-API-KEY", key)
                            .send(body))
                    .onComplete(sent -> {
                        if (sent.failed()) {
                            done.accept("IO " + sent.cause().getClass().getSimpleName());
                            return;
                        }
                        // count the reply's bytes as they arrive instead of gathering 2 MB per call
                        var response = sent.result();
                        long[] length = new long[1];
                        response.handler(chunk -> length[0] += chunk.length());
                        response.exceptionHandler(e -> done.accept("IO " + e.getClass().getSimpleName()));
                        response.endHandler(end -> done.accept(response.statusCode() == 200 && length[0] > 1000
                                ? null : "HTTP " + response.statusCode()));
                    });
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
