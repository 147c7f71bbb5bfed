package dev.imagegateway.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/**
 * A cheap stand-in for the OpenAI images API: a Vert.x server that answers every POST after a fixed latency with
 * the same realistic reply (a 1024x1024 PNG of about 1.5 MB, base64 in the OpenAI envelope), prepared once.
 * It counts the calls in flight so the benchmark can show how many the gateway let through at once.
 */
final class UpstreamSimulator implements AutoCloseable {

    /** Noise amplitude per channel: tuned so the PNG weighs about 1.5 MB, as a detailed 1024x1024 image does. */
    static final int DEFAULT_NOISE = 2;

    private final Vertx vertx;
    private final HttpServer server;
    private final Buffer reply;
    private final int pngBytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile long latencyMs;

    UpstreamSimulator(Vertx vertx, long latencyMs, int noise, int width, int height) throws Exception {
        this.vertx = vertx;
        this.latencyMs = latencyMs;
        byte[] png = realisticPng(noise, width, height);
        this.pngBytes = png.length;
        this.reply = Buffer.buffer("{\"created\":1704115200,\"data\":[{\"revised_prompt\":\"bench\",\"b64_json\":\""
                + Base64.getEncoder().encodeToString(png) + "\"}]}");
        this.server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            Runnable answer = () -> {
                inFlight.decrementAndGet();
                request.response().putHeader("Content-Type", "application/json").end(reply);
            };
            if (this.latencyMs <= 0) {
                answer.run();
            } else {
                vertx.setTimer(this.latencyMs, id -> answer.run());
            }
        })).listen(0).toCompletionStage().toCompletableFuture().get();
    }

    int port() {
        return server.actualPort();
    }

    int pngBytes() {
        return pngBytes;
    }

    int replyBytes() {
        return reply.length();
    }

    void latency(long ms) {
        latencyMs = ms;
    }

    /** The most calls in flight since the last reset. */
    int takeMaxInFlight() {
        return maxInFlight.getAndSet(0);
    }

    /** Noise over a gradient: compresses to about half its raw size, like a detailed picture. */
    private static byte[] realisticPng(int noise, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x / 4 + (noise > 0 ? random.nextInt(noise) : 0)) & 0xFF;
                int g = (y / 4 + (noise > 0 ? random.nextInt(noise) : 0)) & 0xFF;
                int b = ((x + y) / 8 + (noise > 0 ? random.nextInt(noise) : 0)) & 0xFF;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 << 20);
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.close();
    }
}
