package dev.imagegateway.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.pipeline.GeneratedImage;

/**
 * Images that arrive as base64 strings inside a JSON reply (OpenAI's {@code b64_json}, Google's {@code data}, Stability's
 * {@code image}), taken without materialising the string: the parser gives where it starts, the base64 alphabet has no
 * quote or backslash, so the text is the bytes up to the next quote. It is checked, not decoded: the file is written by
 * decoding as it goes, and the client gets the text as it came.
 */
public final class Base64Images {

    /** Jackson caps strings at 20 M characters by default; a large image's base64 is one string. */
    private static final int MAX_BASE64_CHARS = 128 * 1024 * 1024;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_BASE64_CHARS).build())
            .build();
    /** Parses replies that hold images; reads the small fields beside them as trees. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JSON);
    public static final String NO_IMAGE = "Upstream returned no image data";

    private Base64Images() {
    }

    /** The image whose base64 string is the parser's current token, read from {@code body}. */
    public static GeneratedImage at(JsonParser json, byte[] body) throws IOException {
        int start = (int) json.currentTokenLocation().getByteOffset() + 1;
        int end = start > 0 && body[start - 1] == '"' ? QuoteScanner.endOfString(body, start) : -1;
        if (end < 0 || body[end] != '"') {
            // escapes inside the text (legal JSON, never seen from a provider): take the slow, exact path
            byte[] text = json.getText().getBytes(StandardCharsets.ISO_8859_1);
            return slice(text, 0, text.length);
        }
        return slice(body, start, end - start);
    }

    private static GeneratedImage slice(byte[] source, int offset, int length) {
        if (length == 0) {
            throw UpstreamErrors.badResponse(NO_IMAGE);
        }
        if (!isBase64(source, offset, length)) {
            throw UpstreamErrors.badResponse("Upstream returned invalid base64 image data");
        }
        return GeneratedImage.ofBase64(source, offset, length);
    }

    /** Standard base64 without line breaks: the alphabet, a length in fours, at most two '=' at the end. */
    public static boolean isBase64(byte[] text, int offset, int length) {
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
        for (byte b : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII)) {
            NOT_BASE64[b] = 0;
        }
    }

    /** A reply whose body is the image itself (Stability with Accept image/*, a BFL download): its bytes, checked. */
    public static GeneratedImage raw(byte[] body) {
        if (body.length == 0) {
            throw UpstreamErrors.badResponse(NO_IMAGE);
        }
        if (dev.imagegateway.pipeline.ImageFormat.detect(body) == null) {
            throw UpstreamErrors.badResponse("Upstream returned bytes that are not an image");
        }
        return GeneratedImage.of(body, java.util.Base64.getEncoder().encodeToString(body));
    }
}
