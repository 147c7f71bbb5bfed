package dev.imagegateway.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web console's page and read-only API over real HTTP: paging, keys, bad parameters, the batch view. */
class WebConsoleApiTest extends ConsoleTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0};
    private final HttpClient http = HttpClient.newHttpClient();


    @BeforeEach
    void emptyFolder() throws Exception {
        clearImages();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path, "X-API-KEY", KEY);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        return JSON.readTree(response.body());
    }

    /** Images with one second between them, oldest first. */
    private List<String> images(int count) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = (1700000000 + i) + "_0000000000" + String.format("%02x", i) + ".png";
            Path file = Files.write(imagesDir.resolve(name), PNG);
            Files.setLastModifiedTime(file, FileTime.fromMillis((1700000000L + i) * 1000));
            names.add(name);
        }
        return names;
    }

    @Test
    void thePageAndItsFilesAreServedWithAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"/console/console.js\""));
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"), policy);
        assertFalse(page.body().matches("(?s).*(https?:)?//[a-z].*"), "no external resource (CDN, font) on the page");
        assertEquals(200, get("/console/console.js").statusCode());
        assertTrue(get("/console/console.css").headers().firstValue("Content-Type").orElseThrow().startsWith("text/css"));
        assertEquals(404, get("/console/application.properties").statusCode());
        assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/images", "/api/batches", "/api/info"})
    void theApiNeedsAKey(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(401, response.statusCode());
        assertEquals("Invalid API key", JSON.readTree(response.body()).get("error").asText());
        assertEquals(401, get(path, "Authorization", "Bearer wrong").statusCode());
        assertEquals(200, get(path, "Authorization", "Bearer " + KEY).statusCode());
    }

    @Test
    void theGalleryPagesNewestFirstWithoutGapsOrRepeats() throws Exception {
        List<String> names = images(7);
        Files.writeString(imagesDir.resolve("notes.txt"), "not an image");
        Files.write(imagesDir.resolve(".writing-1800000000_000000000000.png"), PNG);

        List<String> seen = new ArrayList<>();
        String before = null;
        int pages = 0;
        do {
            JsonNode page = getJson("/api/images?limit=3" + (before == null ? "" : "&before=" + before));
            page.get("images").forEach(image -> seen.add(image.get("filename").asText()));
            before = page.get("next_before").isNull() ? null : page.get("next_before").asText();
            pages++;
        } while (before != null);

        List<String> newestFirst = new ArrayList<>(names);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, seen);
        assertEquals(3, pages);
        JsonNode first = getJson("/api/images?limit=1").get("images").get(0);
        assertEquals("/images/" + names.get(6), first.get("url").asText());
        assertEquals("image/png", first.get("content_type").asText());
        assertEquals(PNG.length, first.get("bytes").asInt());
        assertEquals("2023-11-14T22:13:26Z", first.get("created").asText());
    }

    @Test
    void aPageGoesOnAfterItsLastImageWasDeleted() throws Exception {
        List<String> names = images(4);
        Files.delete(imagesDir.resolve(names.get(2)));
        JsonNode page = getJson("/api/images?before=" + names.get(2));
        assertEquals(2, page.get("images").size());
        assertEquals(names.get(1), page.get("images").get(0).get("filename").asText());
    }

    @Test
    void generatedImagesCarryTheirPrompt() throws Exception {
        HttpResponse<String> generated = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/generate"))
                .header("Content-Type", "application/json").header("X-API-KEY", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"A quiet <b>harbour</b>\",\"size\":\"1024x1024\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String filename = JSON.readTree(generated.body()).get("filename").asText();
        savedImage(filename);
        long deadline = System.currentTimeMillis() + 5000;
        JsonNode image;
        do {
            image = getJson("/api/images").get("images").get(0);
        } while (!image.has("prompt") && System.currentTimeMillis() < deadline);
        assertEquals(filename, image.get("filename").asText());
        assertEquals("A quiet <b>harbour</b>", image.get("prompt").asText());
        assertEquals("gpt-image-2.6-flare", image.get("model").asText());
        assertEquals("rest", image.get("door").asText());
        String recorded = Files.readString(imagesDir.resolve(".meta").resolve(filename + ".json"));
        assertFalse(recorded.contains(KEY), "the key's name is recorded, never the key");
        assertTrue(recorded.contains("\"key\":\"env-1\""), recorded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=101", "limit=-1", "limit=ten", "before=..%2Fsecret.png", "before=notes.txt"})
    void badParametersAreClientErrors(String query) throws Exception {
        HttpResponse<String> response = get("/api/images?" + query, "X-API-KEY", KEY);
        assertEquals(400, response.statusCode(), response.body());
        String param = query.substring(0, query.indexOf('='));
        assertTrue(JSON.readTree(response.body()).get("error").asText().contains("'" + param + "'"), response.body());
    }

    @Test
    void theBatchViewShowsFinishedAndRefusedFiles() throws Exception {
        Files.writeString(inboxDir.resolve("two.txt"), "A red fox\nA blue whale\n");
        Files.writeString(inboxDir.resolve("picture.png"), "not prompts");
        long deadline = System.currentTimeMillis() + 15_000;
        JsonNode view;
        do {
            Thread.sleep(100);
            view = getJson("/api/batches");
            // the report is written a moment before the batch leaves the active list: wait for the settled view
        } while ((view.get("done").isEmpty() || view.get("rejected").isEmpty() || !view.get("active").isEmpty()
                || !view.get("waiting").isEmpty()) && System.currentTimeMillis() < deadline);
        assertTrue(view.get("enabled").asBoolean());
        JsonNode done = view.get("done").get(0);
        assertEquals("two.txt", done.get("file").asText());
        assertEquals(2, done.get("report").get("totals").get("succeeded").asInt());
        assertEquals("A blue whale", done.get("report").get("lines").get(1).get("prompt").asText());
        assertEquals("picture.png", view.get("rejected").get(0).get("file").asText());
        assertFalse(view.get("rejected").get(0).get("reason").asText().isEmpty());
        assertEquals(0, view.get("active").size());
        assertEquals(0, view.get("waiting").size());
    }

    @Test
    void aLargeBatchsReportComesAPageAtATime() throws Exception {
        StringBuilder prompts = new StringBuilder();
        for (int i = 1; i <= 120; i++) {
            prompts.append("Prompt number ").append(i).append('\n');
        }
        Files.writeString(inboxDir.resolve("many.txt"), prompts);
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode done = null;
        while (System.currentTimeMillis() < deadline) {
            for (JsonNode batch : getJson("/api/batches").get("done")) {
                if (batch.get("file").asText().equals("many.txt")) {
                    done = batch;
                }
            }
            if (done != null) {
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(done != null, "the batch finished");
        assertEquals(50, done.get("report").get("lines").size(), "the overview carries the first page only");
        assertEquals(120, done.get("report").get("lines_total").asInt());
        assertEquals(120, done.get("report").get("totals").get("succeeded").asInt());

        JsonNode page = getJson("/api/batches?file=many.txt&offset=100&limit=50").get("report");
        assertEquals(20, page.get("lines").size());
        assertEquals(101, page.get("lines").get(0).get("line").asInt());
        assertEquals("Prompt number 101", page.get("lines").get(0).get("prompt").asText());
        assertEquals(400, get("/api/batches?file=many.txt&limit=5000", "X-API-KEY", KEY).statusCode());
        assertEquals(400, get("/api/batches?file=..%2Fsecret", "X-API-KEY", KEY).statusCode());
        assertEquals(404, get("/api/batches?file=nothing.txt", "X-API-KEY", KEY).statusCode());
    }

    @Test
    void infoNamesTheModelAndItsSizes() throws Exception {
        JsonNode info = getJson("/api/info");
        assertEquals("gpt-image-2.6-flare", info.get("model").asText());
        assertEquals("local", info.get("provider").asText());
        assertTrue(info.get("sizes").toString().startsWith("[\"1024x1024\",\"1536x1024\",\"1024x1536\""), info.get("sizes").toString());
        assertEquals(32000, info.get("max_prompt_length").asInt());
        // every model of the catalog a client can name, with its own choices
        java.util.Map<String, JsonNode> models = new java.util.HashMap<>();
        info.get("models").forEach(m -> models.put(m.get("id").asText(), m));
        assertEquals("[\"1024x1024\",\"1792x1024\",\"1024x1792\"]", models.get("dall-e-3").get("sizes").toString());
        assertEquals(4000, models.get("dall-e-3").get("max_prompt_length").asInt());
        assertEquals("gpt-image-2.6-flare", models.get("dall-e-3").get("served_by").asText());
        assertEquals("retired", models.get("dall-e-3").get("lifecycle").asText());
        assertEquals("2026-12-01", models.get("gpt-image-1.5").get("shutdown_date").asText());
        assertTrue(models.get("gpt-image-2.6-flare").get("qualities").toString().contains("xhigh"));
        assertTrue(models.get("gpt-image-2.6-flare").get("size_rule").asText().contains("multiples of 16"));
    }
}
