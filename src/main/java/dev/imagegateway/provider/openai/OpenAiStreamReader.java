package dev.imagegateway.provider.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.pipeline.ImageEvents;
import dev.imagegateway.provider.Base64Images;
import dev.imagegateway.provider.ReplyBudget;
import dev.imagegateway.provider.UpstreamDeadline;
import dev.imagegateway.provider.UpstreamErrors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * An OpenAI images reply to {@code stream: true} (https://platform.openai.com/docs/api-reference/images-streaming),
 * read as it arrives, one server-sent event at a time (never the whole stream): each
 * {@code image_generation.partial_image} goes to the caller's door at once ({@link ImageEvents}); each
 * {@code image_generation.completed} is an image, with its {@code usage}; an {@code error} event is the upstream's
 * failure. Each event's bytes are reserved from the reply budget before they are kept.
 */
public class OpenAiStreamReader {

    /** The gateway's reply budget and UPSTREAM_MAX_REPLY_BYTES (an event is at most that), looked up on first use. */
    private volatile ReplyBudget budget;
    private volatile long maxEventBytes;

    private void resolve(Exchange exchange) {
        if (budget == null) {
            maxEventBytes = Long.parseLong(exchange.getContext().getPropertiesComponent().resolveProperty("upstream.max-reply-bytes")
                    .orElse("67108864").trim());
            budget = exchange.getContext().getRegistry().lookupByNameAndType("replyBudget", ReplyBudget.class);
        }
    }

    /** True when the upstream answered a stream (a 200 of text/event-stream): this reader's reply. */
    public static boolean isStream(Exchange exchange) {
        Message message = exchange.getMessage();
        String type = message.getHeader(Exchange.CONTENT_TYPE, "", String.class);
        return message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class) == 200 && type.startsWith("text/event-stream");
    }

    public GeneratedImages toImages(Exchange exchange) throws IOException {
        resolve(exchange);
        Message message = exchange.getMessage();
        InputStream in = new java.io.BufferedInputStream(message.getBody(InputStream.class), 64 * 1024);
        message.removeHeaders("*");
        ImageEvents events = ImageEvents.of(exchange);
        List<GeneratedImage> images = new ArrayList<>(1);
        ObjectNode details = Base64Images.MAPPER.createObjectNode();
        String event = null;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        try (in) {
            byte[] line;
            while ((line = readLine(exchange, in)) != null) {
                if (line.length == 0) {
                    if (data.size() > 0) {
                        dispatch(exchange, event, data.toByteArray(), events, images, details);
                    }
                    event = null;
                    data.reset();
                } else if (startsWith(line, "event:")) {
                    event = new String(line, 6, line.length - 6, java.nio.charset.StandardCharsets.UTF_8).trim();
                } else if (startsWith(line, "data:")) {
                    int from = line.length > 5 && line[5] == ' ' ? 6 : 5;
                    data.write(line, from, line.length - from);
                }
                // comments (":") and other fields are ignored, as SSE says
            }
        } catch (IOException e) {
            if (UpstreamDeadline.expired(exchange)) {
                throw new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream did not finish its stream in time", null, e);
            }
            throw UpstreamDeadline.callerGoneOr(exchange, e);
        }
        if (images.isEmpty()) {
            throw UpstreamErrors.badResponse("Upstream's stream ended without an image");
        }
        return new GeneratedImages(images, details);
    }

    private void dispatch(Exchange exchange, String event, byte[] data, ImageEvents events, List<GeneratedImage> images,
                          ObjectNode details) throws IOException {
        JsonNode json;
        try {
            json = Base64Images.MAPPER.readTree(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream's stream carried malformed JSON", null, e);
        }
        String type = json.path("type").asText(event == null ? "" : event);
        switch (type) {
            case "image_generation.partial_image", "image_edit.partial_image" -> {
                byte[] b64 = json.path("b64_json").asText("").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                if (b64.length > 0 && Base64Images.isBase64(b64, 0, b64.length)) {
                    events.partialImage(json.path("partial_image_index").asInt(0), java.util.Base64.getDecoder().decode(b64));
                }
            }
            case "image_generation.completed", "image_edit.completed" -> {
                byte[] b64 = json.path("b64_json").asText("").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                if (b64.length == 0 || !Base64Images.isBase64(b64, 0, b64.length)) {
                    throw UpstreamErrors.badResponse("Upstream's completed event carried no usable image");
                }
                images.add(GeneratedImage.ofBase64(b64, 0, b64.length));
                for (String field : GeneratedImages.DETAILS) {
                    JsonNode value = json.get(field);
                    if (value != null && (value.isTextual() || "usage".equals(field) && value.isObject())) {
                        details.set(field, value);
                    }
                }
            }
            case "error" -> {
                JsonNode error = json.path("error");
                String text = UpstreamErrors.sanitize(error.path("message").asText(null), null);
                throw new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "Upstream error in its stream"
                        + (text != null ? ": " + text : ""), null, null, 500);
            }
            default -> {
                // an event this gateway does not know: passed over
            }
        }
    }

    /** One line without its end (\n or \r\n), null at the end of the stream; a line is at most maxEventBytes. */
    private byte[] readLine(Exchange exchange, InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
            }
            line.write(b);
            if (line.size() > maxEventBytes) {
                throw UpstreamErrors.badResponse("Upstream's stream sent an event larger than " + maxEventBytes + " bytes");
            }
            if ((line.size() & 0xFFFFF) == 0) {
                try {
                    budget.reserve(exchange, 2L * 1024 * 1024);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GatewayException(ErrorKind.CANCELLED, "Interrupted while waiting for memory to read the stream");
                }
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static boolean startsWith(byte[] line, String prefix) {
        if (line.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
