package dev.imagegateway.provider;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the upstream's answer in two steps. {@link #capture} runs inside the circuit breaker: it takes the reply
 * off the connection and fails only when the upstream itself is unwell (5xx), the outcomes the breaker should
 * count. {@link #toImages} runs after it: on 200 the images of {@code data}, each decoded from base64 once; on any
 * other status a {@link GatewayException} with the upstream's message (never our key) and the contract's status.
 */
public class OpenAiResponseReader {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiResponseReader.class);
    /** Jackson caps strings at 20 M characters by default; a large image's base64 is one string. */
    private static final int MAX_BASE64_CHARS = 128 * 1024 * 1024;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_BASE64_CHARS).build())
            .build();
    /** Reads the small fields beside the images (usage) as trees. */
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper(JSON);
    private static final String NO_IMAGE = "Upstream returned no image data";
    private static final Pattern KEY_LIKE = Pattern.compile("sk-[A-Za-z0-9_*\\-]{4,}");
    private static final long MAX_RETRY_AFTER_SECONDS = 3600;

    private static final int CHUNK = 1024 * 1024;

    private final String apiKey;
    private final dev.imagegateway.ops.GatewayMetrics metrics;
    private final long maxReplyBytes;
    private final ReplyBudget budget;

    /**
     * @param maxReplyBytes the largest reply read; one that announces or sends more is cut off, unread
     * @param budget        the memory a reply is read into is reserved from this first
     */
    public OpenAiResponseReader(String apiKey, dev.imagegateway.ops.GatewayMetrics metrics, long maxReplyBytes, ReplyBudget budget) {
        this.apiKey = apiKey;
        this.metrics = metrics;
        this.maxReplyBytes = Math.min(maxReplyBytes, Integer.MAX_VALUE - 16);
        this.budget = budget;
    }

    public OpenAiResponseReader(String apiKey) {
        this(apiKey, dev.imagegateway.ops.GatewayMetrics.NONE, 64L * 1024 * 1024, new ReplyBudget(Long.MAX_VALUE / 2, 0));
    }

    public UpstreamReply capture(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String retryAfter = message.getHeader("Retry-After", String.class);
        long length = message.getHeader("Content-Length", -1L, Long.class);
        byte[] body;
        // the reply is read off the connection once, into one array of its size (no stream cache), never more than
        // the most a reply may hold, whatever the upstream announces
        InputStream in = message.getBody(InputStream.class);
        try {
            if (length > maxReplyBytes) {
                throw tooLarge("announced " + length + " bytes");
            }
            body = in == null ? new byte[0] : readFully(exchange, in, length);
        } catch (ReplyBudget.Exhausted e) {
            // no room to read it: the connection goes, and the request is refused after the breaker, uncounted
            abort(in);
            message.removeHeaders("*");
            return new UpstreamReply(status, new byte[0], null, e);
        } catch (GatewayException e) {
            abort(in);
            throw e;
        } catch (InterruptedException e) {
            abort(in);
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorKind.CANCELLED, "Interrupted while waiting for memory to read the reply");
        } catch (IOException e) {
            abort(in);
            if (UpstreamDeadline.expired(exchange)) {
                throw new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream did not answer in time (the attempt's deadline passed)", null, e);
            }
            throw UpstreamDeadline.callerGoneOr(exchange, e);
        }
        if (in != null) {
            in.close();
        }
        // the upstream's headers (and our Authorization) stop here
        message.removeHeaders("*");
        Long started = exchange.getProperty(UpstreamAttemptGuard.STARTED, Long.class);
        if (started != null) {
            metrics.upstreamCall(status, System.nanoTime() - started);
        }
        UpstreamReply reply = new UpstreamReply(status, body, retryAfter);
        if (status >= 500) {
            throw failure(reply);
        }
        return reply;
    }

    public GeneratedImages toImages(UpstreamReply reply) throws IOException {
        if (reply.refused() != null) {
            throw reply.refused();
        }
        if (reply.status() != 200) {
            throw failure(reply);
        }
        return readImages(reply.body());
    }

    private byte[] readFully(Exchange exchange, InputStream in, long length) throws IOException, InterruptedException {
        if (length < 0) {
            // no length announced: room for what the request is expected to bring (its images as raw pixels, in
            // base64; twice, for the buffer and the array it ends in) is reserved before reading, more as the reply
            // goes past it, and what it did not need is given back
            long expected = Math.min(maxReplyBytes, expectedReplyBytes(exchange));
            long[] reserved = {budget.reserve(exchange, 2 * expected)};
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream((int) Math.min(expected, CHUNK * 8L));
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (read.size() + n > maxReplyBytes) {
                    throw tooLarge("sent more than " + maxReplyBytes + " bytes");
                }
                if (2L * (read.size() + n) > reserved[0]) {
                    reserved[0] += budget.reserve(exchange, 2L * CHUNK);
                }
                read.write(buffer, 0, n);
            }
            byte[] body = read.toByteArray();
            budget.release(exchange, reserved[0] - body.length);
            return body;
        }
        budget.reserve(exchange, length);
        byte[] body = new byte[(int) length];
        int read = 0;
        while (read < body.length) {
            int n = in.read(body, read, body.length - read);
            if (n < 0) {
                throw new java.io.EOFException("Upstream reply ended after " + read + " of " + length + " bytes");
            }
            read += n;
        }
        return body;
    }

    /** The largest reply the request can bring: its images as raw RGBA pixels, in base64, and the envelope. */
    static long expectedReplyBytes(Exchange exchange) {
        dev.imagegateway.pipeline.GenerationRequest request = exchange.getProperty(OpenAiRequestBuilder.REQUEST,
                dev.imagegateway.pipeline.GenerationRequest.class);
        int[] wh = request == null ? null : dev.imagegateway.models.SizeRules.parse(request.size());
        long pixels = wh == null ? 2048L * 2048 : (long) wh[0] * wh[1];
        int n = request == null ? 1 : request.count();
        return n * (pixels * 4 * 4 / 3) + 64 * 1024;
    }

    private GatewayException tooLarge(String what) {
        LOG.warn("Upstream reply cut off: it {}, more than UPSTREAM_MAX_REPLY_BYTES ({})", what, maxReplyBytes);
        return new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream reply too large: it " + what
                + ", more than the " + maxReplyBytes + " the gateway reads");
    }

    /**
     * Drops the connection instead of draining it: closing HttpClient's stream would read the rest of what the upstream
     * announced, which is what must not happen with a lying or stalled upstream.
     */
    private static void abort(InputStream in) {
        if (in instanceof org.apache.hc.core5.http.io.EofSensorInputStream sensor) {
            try {
                sensor.abort();
            } catch (IOException e) {
                // the connection is gone either way
            }
        } else if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // the same
            }
        }
    }

    private GatewayException failure(UpstreamReply reply) {
        UpstreamError error = readError(reply.body());
        return upstreamError(reply.status(), error.message(), reply.retryAfter(), error.param(), error.code());
    }

    /** The fields of an OpenAI error body that are passed on; any may be null. */
    record UpstreamError(String message, String param, String code) {
        static final UpstreamError NONE = new UpstreamError(null, null, null);
    }

    /**
     * Finds each {@code data[i].b64_json} without materialising it: the parser gives where the string starts, the
     * base64 alphabet has no quote or backslash, so the text is the bytes up to the next quote. It is decoded
     * once; the client gets those same bytes back. {@code revised_prompt} comes along when the model gave one.
     */
    GeneratedImages readImages(byte[] body) throws IOException {
        if (body.length == 0) {
            throw badResponse("Upstream returned an empty body");
        }
        try (JsonParser json = MAPPER.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw badResponse("Upstream returned a body that is not a JSON object");
            }
            List<GeneratedImage> images = null;
            com.fasterxml.jackson.databind.node.ObjectNode details = MAPPER.createObjectNode();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("data".equals(field) && value == JsonToken.START_ARRAY) {
                    images = images(json, body);
                } else if (GeneratedImages.DETAILS.contains(field)
                        && (value == JsonToken.START_OBJECT ? "usage".equals(field) : value == JsonToken.VALUE_STRING)) {
                    details.set(field, json.readValueAsTree());
                } else {
                    json.skipChildren();
                }
            }
            if (images != null) {
                return new GeneratedImages(images, details);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, "Upstream returned malformed JSON", null, e);
        }
        throw badResponse(NO_IMAGE);
    }

    private static List<GeneratedImage> images(JsonParser json, byte[] body) throws IOException {
        List<GeneratedImage> images = new ArrayList<>(1);
        while (json.nextToken() == JsonToken.START_OBJECT) {
            GeneratedImage image = null;
            String revisedPrompt = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("b64_json".equals(field) && value == JsonToken.VALUE_STRING) {
                    image = decode(json, body);
                } else if ("revised_prompt".equals(field) && value == JsonToken.VALUE_STRING) {
                    revisedPrompt = json.getText();
                } else {
                    json.skipChildren();
                }
            }
            if (image == null) {
                // an entry with a URL only, or nothing: we cannot save or return what we do not have
                throw badResponse(NO_IMAGE);
            }
            images.add(image.withRevisedPrompt(revisedPrompt));
        }
        if (images.isEmpty()) {
            throw badResponse(NO_IMAGE);
        }
        return images;
    }

    private static GeneratedImage decode(JsonParser json, byte[] body) throws IOException {
        int start = (int) json.currentTokenLocation().getByteOffset() + 1;
        int end = start > 0 && body[start - 1] == '"' ? QuoteScanner.endOfString(body, start) : -1;
        if (end < 0 || body[end] != '"') {
            // escapes inside the text (legal JSON, never seen from OpenAI): take the slow, exact path
            byte[] text = json.getText().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            return decodeSlice(text, 0, text.length);
        }
        return decodeSlice(body, start, end - start);
    }

    private static GeneratedImage decodeSlice(byte[] source, int offset, int length) {
        if (length == 0) {
            throw badResponse(NO_IMAGE);
        }
        // checked, not decoded: the file is written by decoding as it goes, and the client gets the text as it came
        if (!isBase64(source, offset, length)) {
            throw badResponse("Upstream returned invalid base64 image data");
        }
        return GeneratedImage.ofBase64(source, offset, length);
    }

    /** Standard base64 without line breaks: the alphabet, a length in fours, at most two '=' at the end. */
    static boolean isBase64(byte[] text, int offset, int length) {
        if (length % 4 != 0) {
            return false;
        }
        int end = offset + length;
        int padding = 0;
        if (length > 0 && text[end - 1] == '=') {
            padding = length > 1 && text[end - 2] == '=' ? 2 : 1;
        }
        // one table load per byte, OR-ed together: a branch per byte on 2 MB of random text was most of a request's CPU
        int invalid = 0;
        for (int i = offset; i < end - padding; i++) {
            invalid |= NOT_BASE64[text[i] & 0xFF];
        }
        return invalid == 0;
    }

    private static final byte[] NOT_BASE64 = new byte[256];

    static {
        java.util.Arrays.fill(NOT_BASE64, (byte) 1);
        for (byte b : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
            NOT_BASE64[b] = 0;
        }
    }

    /** The {@code error} object of an OpenAI error body: message, param and code, or nothing. */
    private static UpstreamError readError(byte[] body) {
        if (body.length == 0) {
            return UpstreamError.NONE;
        }
        try (JsonParser json = JSON.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return UpstreamError.NONE;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("error".equals(field) && value == JsonToken.START_OBJECT) {
                    String message = null;
                    String param = null;
                    String code = null;
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = json.currentName();
                        JsonToken innerValue = json.nextToken();
                        if (innerValue != JsonToken.VALUE_STRING) {
                            json.skipChildren();
                        } else if ("message".equals(inner)) {
                            message = json.getText();
                        } else if ("param".equals(inner)) {
                            param = json.getText();
                        } else if ("code".equals(inner)) {
                            code = json.getText();
                        }
                    }
                    return new UpstreamError(message, param, code);
                }
                json.skipChildren();
            }
        } catch (IOException e) {
            // an error body that is not JSON: the status alone tells the story
        }
        return UpstreamError.NONE;
    }

    GatewayException upstreamError(int status, String upstreamMessage, String retryAfter, String param, String code) {
        String detail = sanitize(upstreamMessage);
        if (status == 429) {
            return new GatewayException(ErrorKind.RATE_LIMITED,
                    detail != null ? detail : "Upstream rate limit reached", retryAfterSeconds(retryAfter), null, status);
        }
        if (status == 400) {
            // the upstream's verdict on the request itself (a safety rejection above all): its param and code go along
            return new GatewayException(ErrorKind.INVALID_ARGUMENT, detail != null ? detail : "Upstream rejected the request",
                    null, null, status, token(param), token(code));
        }
        if (status == 404 && "model_not_found".equals(code)) {
            // a model passed through that the upstream does not serve (or no longer does): the client's to fix
            return new GatewayException(ErrorKind.NOT_FOUND, detail != null ? detail : "The upstream does not serve this model",
                    null, null, status, "model", "model_not_found");
        }
        if (status == 401 || status == 403) {
            LOG.error("Configuration error: the upstream refused the gateway's OpenAI credentials (HTTP {}). Check OPENAI_API_KEY.", status);
            return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "Upstream refused the gateway's credentials", null, null, status);
        }
        LOG.warn("Upstream answered HTTP {}{}", status, detail != null ? ": " + detail : "");
        String text = "Upstream error (HTTP " + status + ")" + (detail != null ? ": " + detail : "");
        return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, text, retryAfterSeconds(retryAfter), null, status);
    }

    /** Upstream messages are passed on, but never anything that looks like a key. */
    String sanitize(String message) {
        if (message == null || message.isBlank()) {
            return null;
        }
        String clean = message;
        if (apiKey != null && !apiKey.isEmpty()) {
            clean = clean.replace(apiKey, "***");
        }
        clean = KEY_LIKE.matcher(clean).replaceAll("sk-***");
        return clean.length() > 1000 ? clean.substring(0, 1000) + "..." : clean;
    }

    /** A short identifier from the upstream (a field name, an error code), or null for anything else. */
    private static String token(String value) {
        return value != null && value.matches("[A-Za-z0-9_.\\-\\[\\]]{1,64}") ? value : null;
    }

    /** Retry-After as seconds or an HTTP date, capped; null when absent or unreadable. */
    static Long retryAfterSeconds(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                long seconds = Duration.between(ZonedDateTime.now(when.getZone()), when).toSeconds();
                return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, seconds));
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static GatewayException badResponse(String message) {
        return new GatewayException(ErrorKind.UPSTREAM_BAD_RESPONSE, message);
    }
}
