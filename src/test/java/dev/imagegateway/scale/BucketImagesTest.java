package dev.imagegateway.scale;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.routes.GatewayTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images in an S3-compatible bucket (IMAGES_BUCKET) through a real S3 API server (S3Proxy): saved there with their
 * metadata, served by GET /images/{name}, listed by the gallery, and given as presigned URLs that work without the
 * gateway; nothing is written to IMAGES_DIR.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class BucketImagesTest extends GatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "gateway-images";
    private static S3ProxyServer s3;

    private final HttpClient http = HttpClient.newHttpClient();

    private static synchronized S3ProxyServer s3() {
        if (s3 == null) {
            try {
                s3 = S3ProxyServer.start();
                s3.createBucket(BUCKET);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return s3;
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", "");
        p.setProperty("images.bucket", BUCKET);
        p.setProperty("images.s3-endpoint", s3().endpoint());
        p.setProperty("images.s3-access-key", S3ProxyServer.ACCESS_KEY);
        p.setProperty("images.s3-secret-key", S3ProxyServer.SECRET_KEY);
        p.setProperty("images.s3-path-style", "true");
        p.setProperty("image.urls", "presigned");
        p.setProperty("image.urls-expiry-seconds", "600");
        return p;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + path))
                .header("Content-Type", "application/json").header("X-API-KEY", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> get(String url, boolean withKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : "http://localhost:" + httpPort() + url));
        if (withKey) {
            request.header("X-API-KEY", KEY);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void anImageIsSavedInTheBucketWithItsMetadataAndServedFromIt() throws Exception {
        HttpResponse<String> reply = post("/generate", "{\"prompt\": \"A lighthouse in a bucket\"}");
        assertEquals(200, reply.statusCode(), reply.body());
        JsonNode json = JSON.readTree(reply.body());
        String name = json.path("filename").asText();
        byte[] image = Base64.getDecoder().decode(json.path("image").asText());

        // in the bucket, as the S3 server keeps it; and not in IMAGES_DIR
        Path object = s3().bucketFolder(BUCKET).resolve(name);
        assertTrue(Files.exists(object), "object " + name);
        assertArrayEquals(image, Files.readAllBytes(object));
        assertEquals(0, listImages().size(), "nothing in IMAGES_DIR");
        JsonNode meta = JSON.readTree(Files.readAllBytes(s3().bucketFolder(BUCKET).resolve(".meta").resolve(name + ".json")));
        assertEquals("A lighthouse in a bucket", meta.path("prompt").asText());

        HttpResponse<byte[]> served = get("/images/" + name, true);
        assertEquals(200, served.statusCode());
        assertEquals("image/png", served.headers().firstValue("Content-Type").orElse(null));
        assertArrayEquals(image, served.body());
        assertEquals(404, get("/images/1700000000_000000000000.png", true).statusCode());
        assertEquals(400, get("/images/..%2Fsecret.png", true).statusCode());
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void theGalleryListsTheBucketWithPresignedUrlsThatWorkWithoutAKey() throws Exception {
        String first = JSON.readTree(post("/generate", "{\"prompt\": \"first\"}").body()).path("filename").asText();
        Thread.sleep(1100); // a later second: names (and times) order the gallery
        String second = JSON.readTree(post("/generate", "{\"prompt\": \"second\"}").body()).path("filename").asText();
        HttpResponse<byte[]> page = get("/api/images?limit=100", true);
        assertEquals(200, page.statusCode());
        JsonNode images = JSON.readTree(page.body()).path("images");
        int firstAt = -1;
        int secondAt = -1;
        for (int i = 0; i < images.size(); i++) {
            if (images.get(i).path("filename").asText().equals(first)) {
                firstAt = i;
            }
            if (images.get(i).path("filename").asText().equals(second)) {
                secondAt = i;
                assertEquals("second", images.get(i).path("prompt").asText());
            }
        }
        assertTrue(secondAt >= 0 && firstAt > secondAt, "newest first: " + images);
        String url = images.get(secondAt).path("url").asText();
        assertTrue(url.startsWith(s3().endpoint() + "/" + BUCKET + "/" + second) && url.contains("X-Amz-Signature="), url);
        HttpResponse<byte[]> direct = get(url, false);
        assertEquals(200, direct.statusCode(), "a presigned URL needs no gateway key");
        assertArrayEquals(Files.readAllBytes(s3().bucketFolder(BUCKET).resolve(second)), direct.body());

        // the OpenAI door's URLs are the bucket's too
        HttpResponse<String> openAi = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"dall-e-3\", \"prompt\": \"a url\", \"response_format\": \"url\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, openAi.statusCode(), openAi.body());
        String openAiUrl = JSON.readTree(openAi.body()).path("data").get(0).path("url").asText();
        assertTrue(openAiUrl.contains("X-Amz-Signature="), openAiUrl);
        assertEquals(200, get(openAiUrl, false).statusCode());
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void withTheBucketDownReadinessIsDownImagesAre503AndGenerationsStillAnswer() throws Exception {
        String saved = JSON.readTree(post("/generate", "{\"prompt\": \"before the outage\"}").body()).path("filename").asText();
        assertEquals(200, get("/observe/health", false).statusCode());
        s3().close();
        HttpResponse<byte[]> ready = get("/observe/health", false);
        assertEquals(503, ready.statusCode());
        assertTrue(new String(ready.body()).contains("DOWN"), new String(ready.body()));
        HttpResponse<byte[]> image = get("/images/" + saved, true);
        assertEquals(503, image.statusCode());
        assertTrue(image.headers().firstValue("Retry-After").isPresent());
        // the image is generated and answered; it has no name, since it could not be kept
        HttpResponse<String> reply = post("/generate", "{\"prompt\": \"during the outage\"}");
        assertEquals(200, reply.statusCode(), reply.body());
        JsonNode json = JSON.readTree(reply.body());
        assertTrue(json.path("image").asText().length() > 100);
        assertEquals("", json.path("filename").asText());
    }
}
