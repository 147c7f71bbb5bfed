package dev.imagegateway.provider.openai;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GeneratedImage;
import dev.imagegateway.pipeline.GeneratedImages;
import dev.imagegateway.provider.UpstreamErrors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiResponseReaderTest {

    private static final String KEY = "sk-proj-verysecretvalue42";
    private final OpenAiResponseReader reader = new OpenAiResponseReader();

    /** The error the reader makes of an upstream status: the shared table, the deployment's key scrubbed. */
    private static GatewayException upstreamError(int status, String message, String retryAfter, String param, String code) {
        return UpstreamErrors.map(status, UpstreamErrors.sanitize(message, KEY), retryAfter, param, code, null);
    }

    private GeneratedImage read(String json) throws Exception {
        return readAll(json).first();
    }

    private GeneratedImages readAll(String json) throws Exception {
        return reader.readImages(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryImageWhereverTheFieldsAre() throws Exception {
        GeneratedImages images = readAll("{\"created\":1,\"extra\":{\"a\":[1,2]},\"data\":[{\"revised_prompt\":\"p\","
                + "\"nested\":{\"x\":1},\"b64_json\":\"AQID\"},{\"b64_json\":\"BAUG\"}]}");
        assertEquals(2, images.size());
        GeneratedImage first = images.first();
        assertArrayEquals(new byte[] {1, 2, 3}, first.bytes());
        assertEquals("AQID", first.base64(), "the upstream's text is passed on as it came");
        assertEquals("p", first.revisedPrompt());
        assertArrayEquals(new byte[] {4, 5, 6}, images.list().get(1).bytes());
        assertNull(images.list().get(1).revisedPrompt());
    }

    @Test
    void anEntryWithoutImageDataSpoilsTheReply() {
        GatewayException e = assertThrows(GatewayException.class,
                () -> readAll("{\"data\":[{\"b64_json\":\"AQID\"},{\"url\":\"http://x\"}]}"));
        assertEquals(ErrorKind.UPSTREAM_BAD_RESPONSE, e.kind());
    }

    @Test
    void aRejectionKeepsTheUpstreamsParamAndCode() {
        GatewayException e = upstreamError(400, "Your request was rejected by the safety system", null,
                "prompt", "content_policy_violation");
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertEquals("content_policy_violation", e.code());
        assertEquals("prompt", e.param());
        assertNull(upstreamError(400, "x", null, "a b", "<script>").code(), "only identifiers are passed on");
    }

    @Test
    void escapedBase64IsStillRead() throws Exception {
        // JSON may escape '/' as '\\/': legal, so it must decode the same
        GeneratedImage image = read("{\"data\":[{\"b64_json\":\"/+\\/+\"}]}");
        assertArrayEquals(java.util.Base64.getDecoder().decode("/+/+"), image.bytes());
        assertEquals("/+/+", image.base64());
    }

    @Test
    void anythingButAnImageIsABadResponse() {
        for (String body : new String[] {"", "[]", "{}", "{\"data\":[]}", "{\"data\":[{\"url\":\"http://x\"}]}",
            "{\"data\":[{\"b64_json\":\"\"}]}", "{\"data\":[{\"b64_json\":\"***\"}]}", "{\"data\":[{\"b64_json\":12}]}",
            "{\"data\":", "not json"}) {
            GatewayException e = assertThrows(GatewayException.class, () -> read(body), body);
            assertEquals(ErrorKind.UPSTREAM_BAD_RESPONSE, e.kind(), body);
        }
    }

    @Test
    void errorStatusesMapToTheContract() {
        assertEquals(ErrorKind.INVALID_ARGUMENT, upstreamError(400, "policy", null, null, null).kind());
        assertEquals(ErrorKind.RATE_LIMITED, upstreamError(429, null, "3", null, null).kind());
        assertEquals(3L, upstreamError(429, null, "3", null, null).retryAfterSeconds());
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, upstreamError(401, "x", null, null, null).kind());
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, upstreamError(403, "x", null, null, null).kind());
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, upstreamError(500, "x", null, null, null).kind());
        assertEquals(ErrorKind.UPSTREAM_UNAVAILABLE, upstreamError(503, null, null, null, null).kind());
    }

    @Test
    void ourKeyNeverReachesTheClient() {
        GatewayException e = upstreamError(400, "bad key " + KEY + " and sk-abcdefghijkl", null, null, null);
        assertFalse(e.getMessage().contains(KEY));
        assertFalse(e.getMessage().contains("sk-abcdefghijkl"));
        assertTrue(e.getMessage().startsWith("bad key"));
        assertFalse(upstreamError(401, "Incorrect API key provided: " + KEY, null, null, null).getMessage().contains("sk-"));
    }

    @Test
    void retryAfterReadsSecondsAndDatesAndIsCapped() {
        assertEquals(20L, UpstreamErrors.retryAfterSeconds("20"));
        assertEquals(3600L, UpstreamErrors.retryAfterSeconds("999999"));
        assertEquals(0L, UpstreamErrors.retryAfterSeconds("-5"));
        String inThirty = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        long seconds = UpstreamErrors.retryAfterSeconds(inThirty);
        assertTrue(seconds >= 28 && seconds <= 30, Long.toString(seconds));
        assertNull(UpstreamErrors.retryAfterSeconds("soon"));
        assertNull(UpstreamErrors.retryAfterSeconds(null));
    }
}
