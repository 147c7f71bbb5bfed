package dev.imagegateway.openai;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageEvents;
import dev.imagegateway.pipeline.ServedModel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code stream: true} on the OpenAI door: OpenAI's image streaming events as server-sent events
 * (https://platform.openai.com/docs/api-reference/images-streaming): {@code image_generation.partial_image} for each
 * partial image a provider sends while it works, then {@code image_generation.completed} for each image, with
 * {@code b64_json}, {@code created_at}, {@code size}, {@code quality}, {@code background}, {@code output_format} and
 * {@code usage}. The answer starts (200, {@code text/event-stream}) with the first event or heartbeat, so a request
 * refused before that (a bad field, a bad key, no deployment) is still an ordinary JSON error with its status; while a
 * provider that does not stream works, a comment line every few seconds keeps proxies from closing the connection.
 * A failure after the start is an {@code error} event, and the end of the stream.
 */
public final class OpenAiSseStream implements ImageEvents {

    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sse-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    private final HttpServerResponse response;
    private final int partialImages;
    private final String requestId;
    private final ScheduledFuture<?> heartbeat;
    private final long createdAt = System.currentTimeMillis() / 1000;
    private boolean started;
    private boolean ended;
    private GenerationRequest asked;
    /** image_generation, or image_edit for an edit (OpenAI names an edit's events so). */
    private String kind = "image_generation";

    /** This stream answers an edit: its events are image_edit.partial_image and image_edit.completed. */
    void forEdit() {
        this.kind = "image_edit";
    }

    /** The request as the client sent it: a partial image event names its size, quality, background and format. */
    void asked(GenerationRequest request) {
        this.asked = request;
    }

    OpenAiSseStream(HttpServerResponse response, int partialImages, String requestId, long heartbeatSeconds) {
        this.response = response;
        this.partialImages = partialImages;
        this.requestId = requestId;
        this.heartbeat = HEARTBEATS.scheduleAtFixedRate(this::beat, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
    }

    @Override
    public int partialImages() {
        return partialImages;
    }

    @Override
    public void progress(String stage) {
        // OpenAI's stream has no progress events; the heartbeat keeps the connection open meanwhile
    }

    @Override
    public synchronized void partialImage(int index, byte[] image) {
        dev.imagegateway.pipeline.ImageFormat format = dev.imagegateway.pipeline.ImageFormat.detect(image);
        StringBuilder json = new StringBuilder("{\"type\":\"" + kind + ".partial_image\",\"b64_json\":\"")
                .append(java.util.Base64.getEncoder().encodeToString(image)).append("\",\"created_at\":").append(createdAt);
        String size = asked == null || asked.size() == null || asked.size().isBlank() ? "auto" : asked.size();
        appendText(json, "size", size);
        appendText(json, "quality", asked == null || asked.quality() == null ? "auto" : asked.quality());
        appendText(json, "background", asked == null || asked.options().get("background") == null ? "auto" : asked.options().get("background"));
        appendText(json, "output_format", format == null ? "png" : dev.imagegateway.pipeline.ImageFormat.name(format));
        json.append(",\"partial_image_index\":").append(index).append('}');
        event(kind + ".partial_image", json.toString());
    }

    private static void appendText(StringBuilder json, String field, String value) {
        json.append(",\"").append(field).append("\":\"").append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
    }

    /** One completed event per image, then the end. */
    synchronized void complete(GeneratedImages images, GenerationRequest request, ServedModel model) {
        for (GeneratedImage image : images) {
            StringBuilder tail = new StringBuilder("\",\"created_at\":").append(createdAt);
            detail(tail, "size", images, request.size());
            detail(tail, "quality", images, request.quality() != null ? request.quality() : "auto");
            detail(tail, "background", images, request.options().get("background") != null ? request.options().get("background") : "auto");
            detail(tail, "output_format", images, image.format() != null ? dev.imagegateway.pipeline.ImageFormat.name(image.format()) : "png");
            JsonNode usage = images.usage();
            // OpenAI's event always has usage: a provider that reports none (the offline renderer) used no tokens
            tail.append(",\"usage\":").append(usage != null ? usage.toString()
                    : "{\"input_tokens\":0,\"input_tokens_details\":{\"image_tokens\":0,\"text_tokens\":0},\"output_tokens\":0,\"total_tokens\":0}");
            if (image.filename() != null) {
                // the gateway's own addition (clients ignore fields they do not know): the saved file's name
                appendText(tail, "filename", image.filename());
            }
            tail.append('}');
            start();
            response.write(Buffer.buffer("event: " + kind + ".completed\ndata: {\"type\":\"" + kind + ".completed\",\"b64_json\":\""));
            response.write(Buffer.buffer(image.base64ByteBuf()));
            response.write(Buffer.buffer(tail.append("\n\n").toString()));
        }
        end();
    }

    /** True once the answer has started: a failure from now on is an event, not a status. */
    synchronized boolean started() {
        return started;
    }

    /** A failure after the start: OpenAI's error event, and the end. */
    synchronized void fail(GatewayException error, byte[] errorJson) {
        event("error", "{\"type\":\"error\"," + new String(errorJson, StandardCharsets.UTF_8).substring(1));
        end();
    }

    /** Stops the heartbeat (the request ended without the stream starting). */
    synchronized void close() {
        heartbeat.cancel(false);
    }

    private void detail(StringBuilder json, String field, GeneratedImages images, String fallback) {
        JsonNode given = images.details() == null ? null : images.details().get(field);
        String value = given != null && given.isTextual() ? given.asText() : fallback;
        appendText(json, field, value);
    }

    private synchronized void beat() {
        if (ended) {
            return;
        }
        start();
        response.write(": keep-alive\n\n");
    }

    private void event(String name, String json) {
        if (ended) {
            return;
        }
        start();
        response.write(Buffer.buffer("event: " + name + "\ndata: " + json + "\n\n"));
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        response.setStatusCode(200);
        response.setChunked(true);
        response.putHeader("Content-Type", "text/event-stream");
        response.putHeader("Cache-Control", "no-cache");
        response.putHeader("X-Accel-Buffering", "no");
        if (requestId != null) {
            response.putHeader("x-request-id", requestId);
        }
    }

    private void end() {
        ended = true;
        heartbeat.cancel(false);
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }
}
