package dev.imagegateway.routes;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stream: true} on the OpenAI door, read as raw server-sent events: the stream starts (a heartbeat) while a
 * provider that does not stream is still working, and ends with {@code image_generation.completed} carrying the image;
 * a refusal before the start is an ordinary JSON error, a failure after it an {@code error} event.
 */
class OpenAiStreamTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        p.setProperty("openai.stream-heartbeat-seconds", "1");
    }

    private HttpResponse<InputStream> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** An SSE event or comment as read, with the time it arrived. */
    private record Received(long atMs, String event, String data) {
    }

    private static List<Received> read(InputStream in, long startNanos) throws Exception {
        List<Received> received = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                long at = (System.nanoTime() - startNanos) / 1_000_000;
                if (line.startsWith(":")) {
                    received.add(new Received(at, "comment", line));
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else if (line.isEmpty() && event != null) {
                    received.add(new Received(at, event, data.toString()));
                    event = null;
                    data.setLength(0);
                }
            }
        }
        return received;
    }

    @Test
    void theStreamStartsBeforeTheUpstreamHasFinishedAndEndsWithTheImage() throws Exception {
        byte[] png = UpstreamStub.png(40, 30);
        upstream().answer(aResponse().withStatus(200).withFixedDelay(2500).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(png))));
        long start = System.nanoTime();
        HttpResponse<InputStream> response = post("{\"prompt\":\"a streamed kite\",\"stream\":true,\"partial_images\":2}");
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(null));
        List<Received> events = read(response.body(), start);
        assertEquals("comment", events.get(0).event());
        assertTrue(events.get(0).atMs() < 2400, "the first bytes came while the upstream was still working: " + events.get(0).atMs() + " ms");
        Received completed = events.get(events.size() - 1);
        assertEquals("image_generation.completed", completed.event());
        JsonNode data = JSON.readTree(completed.data());
        assertEquals("image_generation.completed", data.get("type").asText());
        assertArrayEquals(png, Base64.getDecoder().decode(data.get("b64_json").asText()));
        assertEquals("png", data.get("output_format").asText());
        assertTrue(data.has("usage") && data.has("created_at") && data.has("size"), completed.data());
        assertEquals(1, savedImages().size());
    }

    @Test
    void aRefusalBeforeTheStreamStartsIsAnOrdinaryError() throws Exception {
        HttpResponse<InputStream> response = post("{\"prompt\":\"x\",\"stream\":true,\"size\":\"12x12\"}");
        assertEquals(400, response.statusCode());
        JsonNode error = JSON.readTree(response.body().readAllBytes()).get("error");
        assertEquals("size", error.get("param").asText());
        HttpResponse<InputStream> badStream = post("{\"prompt\":\"x\",\"stream\":\"yes\"}");
        assertEquals(400, badStream.statusCode());
        assertEquals(0, upstreamCalls());
    }

    @Test
    void aFailureAfterTheStartIsAnErrorEventAndTheEnd() throws Exception {
        upstream().answer(aResponse().withStatus(500).withFixedDelay(1800).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.error("the model crashed", null)));
        HttpResponse<InputStream> response = post("{\"prompt\":\"a kite\",\"stream\":true}");
        assertEquals(200, response.statusCode());
        List<Received> events = read(response.body(), System.nanoTime());
        Received last = events.get(events.size() - 1);
        assertEquals("error", last.event());
        JsonNode error = JSON.readTree(last.data()).get("error");
        assertEquals("server_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("the model crashed"), last.data());
        assertEquals(0, savedImages().size());
    }

    /** OpenAI's stream for one image: partial images, then the image, as https://platform.openai.com/docs/api-reference/images-streaming shows. */
    static String upstreamStream(byte[] partial, byte[] image, int partials) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < partials; i++) {
            body.append("event: image_generation.partial_image\ndata: {\"type\":\"image_generation.partial_image\",\"b64_json\":\"")
                    .append(Base64.getEncoder().encodeToString(partial)).append("\",\"created_at\":1764115200,\"size\":\"1024x1024\",")
                    .append("\"quality\":\"medium\",\"background\":\"opaque\",\"output_format\":\"png\",\"partial_image_index\":")
                    .append(i).append("}\n\n");
        }
        body.append("event: image_generation.completed\ndata: {\"type\":\"image_generation.completed\",\"b64_json\":\"")
                .append(Base64.getEncoder().encodeToString(image)).append("\",\"created_at\":1764115201,\"size\":\"1024x1024\",")
                .append("\"quality\":\"medium\",\"background\":\"opaque\",\"output_format\":\"png\",\"usage\":{\"total_tokens\":100,")
                .append("\"input_tokens\":50,\"output_tokens\":50,\"input_tokens_details\":{\"text_tokens\":50,\"image_tokens\":0}}}\n\n");
        return body.toString();
    }

    @Test
    void anUpstreamThatStreamsIsForwardedEventByEventAndItsImageSaved() throws Exception {
        byte[] partial = UpstreamStub.png(16, 16);
        byte[] png = UpstreamStub.png(64, 64);
        // the upstream's events dribble out over 2 s: the first partial image must reach the client well before the end
        upstream().answer(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(upstreamStream(partial, png, 2)).withChunkedDribbleDelay(40, 2000));
        long start = System.nanoTime();
        HttpResponse<InputStream> response = post("{\"prompt\":\"a streamed kite\",\"stream\":true,\"partial_images\":2}");
        assertEquals(200, response.statusCode());
        List<Received> events = read(response.body(), start);
        List<Received> partials = events.stream().filter(e -> e.event().equals("image_generation.partial_image")).toList();
        assertEquals(2, partials.size());
        assertTrue(partials.get(0).atMs() < 1700, "the first partial image was forwarded as it came: " + partials.get(0).atMs() + " ms");
        assertArrayEquals(partial, Base64.getDecoder().decode(JSON.readTree(partials.get(0).data()).get("b64_json").asText()));
        Received completed = events.get(events.size() - 1);
        assertEquals("image_generation.completed", completed.event());
        assertArrayEquals(png, Base64.getDecoder().decode(JSON.readTree(completed.data()).get("b64_json").asText()));
        assertEquals(50, JSON.readTree(completed.data()).get("usage").get("output_tokens").asInt());
        assertEquals(1, savedImages().size());
        // the upstream was asked to stream
        String sent = upstream().server().getAllServeEvents().get(0).getRequest().getBodyAsString();
        assertTrue(sent.contains("\"stream\":true") && sent.contains("\"partial_images\":2"), sent);
    }

    @Test
    void withoutPartialImagesTheUpstreamIsNotAskedToStream() throws Exception {
        upstream().answerImage(UpstreamStub.png(8, 8));
        HttpResponse<InputStream> response = post("{\"prompt\":\"a kite\",\"stream\":true}");
        assertEquals(200, response.statusCode());
        List<Received> events = read(response.body(), System.nanoTime());
        assertEquals("image_generation.completed", events.get(events.size() - 1).event());
        String sent = upstream().server().getAllServeEvents().get(0).getRequest().getBodyAsString();
        assertTrue(!sent.contains("\"stream\""), sent);
    }
}
