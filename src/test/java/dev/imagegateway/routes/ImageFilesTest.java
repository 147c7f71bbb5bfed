package dev.imagegateway.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /images/{filename}: saved images with their content type, a key required, and nothing outside IMAGES_DIR
 * readable whatever the request path says.
 */
class ImageFilesTest extends GatewayTestSupport {

    /** Bytes that must never come back: a PNG signature followed by a marker. */
    private static final byte[] SECRET = concat(UpstreamStub.png(4, 4), "TOP-SECRET".getBytes(StandardCharsets.US_ASCII));

    private final HttpClient http = HttpClient.newHttpClient();
    private Path outside;

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", "");
        // one generation a minute per key: reading images must not use it up
        p.setProperty("keys.rate-limit-per-minute", "1");
        return p;
    }

    @BeforeAll
    void placeFilesOutsideTheImagesFolder() throws IOException {
        outside = imagesDir.getParent().resolve("outside-" + System.nanoTime());
        Files.createDirectories(outside);
        Files.write(outside.resolve("secret.png"), SECRET);
        Files.write(imagesDir.getParent().resolve("secret.png"), SECRET);
    }

    @AfterAll
    void removeThem() throws IOException {
        Files.deleteIfExists(outside.resolve("secret.png"));
        Files.deleteIfExists(outside);
        Files.deleteIfExists(imagesDir.getParent().resolve("secret.png"));
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesEachSavedFormatWithItsContentType() throws Exception {
        byte[] png = UpstreamStub.png(10, 10);
        byte[] gif = concat("GIF89a".getBytes(StandardCharsets.US_ASCII), new byte[20]);
        Files.write(imagesDir.resolve("1700000000_0123456789ab.png"), png);
        Files.write(imagesDir.resolve("1700000000_0123456789ac.gif"), gif);

        HttpResponse<byte[]> first = get("/images/1700000000_0123456789ab.png", "Authorization", "Bearer " + KEY);
        assertEquals(200, first.statusCode());
        assertEquals("image/png", first.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("nosniff", first.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertArrayEquals(png, first.body());
        HttpResponse<byte[]> second = get("/images/1700000000_0123456789ac.gif", "X-API-KEY", SECOND_KEY);
        assertEquals(200, second.statusCode());
        assertEquals("image/gif", second.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(gif, second.body());
        // the rate limit (1 a minute) counts generations only
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/images/1700000000_0123456789ab.png", "X-API-KEY", KEY).statusCode());
        }
    }

    @Test
    void aKeyIsRequired() throws Exception {
        Files.write(imagesDir.resolve("1700000001_0123456789ab.png"), UpstreamStub.png(4, 4));
        assertEquals(401, get("/images/1700000001_0123456789ab.png").statusCode());
        assertEquals(401, get("/images/1700000001_0123456789ab.png", "Authorization", "Bearer wrong").statusCode());
        HttpResponse<byte[]> missing = get("/images/1700000001_0123456789ff.png", "X-API-KEY", KEY);
        assertEquals(404, missing.statusCode());
        assertTrue(new String(missing.body(), StandardCharsets.UTF_8).contains("No such image"));
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/images/a.png"))
                .header("X-API-KEY", KEY).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void notAnImageUnderAnImageNameIsNotServed() throws Exception {
        Files.writeString(imagesDir.resolve("1700000002_0123456789ab.png"), "#!/bin/sh\necho not an image\n");
        assertEquals(404, get("/images/1700000002_0123456789ab.png", "X-API-KEY", KEY).statusCode());
    }

    @Test
    void aSymbolicLinkOutOfTheFolderIsNotFollowed() throws Exception {
        Files.createSymbolicLink(imagesDir.resolve("1700000003_0123456789ab.png"), outside.resolve("secret.png"));
        HttpResponse<byte[]> response = get("/images/1700000003_0123456789ab.png", "X-API-KEY", KEY);
        assertEquals(404, response.statusCode());
        assertNoSecret(response.body());
    }

    /** Sent byte for byte over a socket, so no client library normalises the path first. */
    @ParameterizedTest
    @ValueSource(strings = {
        "/images/../secret.png",
        "/images/..%2Fsecret.png",
        "/images/..%2fsecret.png",
        "/images/%2e%2e%2Fsecret.png",
        "/images/%2E%2E/secret.png",
        "/images/..%5Csecret.png",
        "/images/..\\secret.png",
        "/images/%2e%2e%2F" + "OUTSIDE" + "%2Fsecret.png",
        "/images/....//secret.png",
        "/images/%252e%252e%252fsecret.png",
        "/images/secret.png%00.png",
        "/images/.writing-1700000000_0123456789ab.png",
        "/images/%2Ftmp%2Fsecret.png",
        "/images//etc/passwd",
        "/images/..;/secret.png",
    })
    void noPathLeadsOutOfTheImagesFolder(String path) throws Exception {
        Files.write(imagesDir.resolve(".writing-1700000000_0123456789ab.png"), SECRET);
        String request = path.replace("OUTSIDE", outside.getFileName().toString());
        String response = raw("GET " + request + " HTTP/1.1\r\nHost: localhost\r\nX-API-KEY: " + KEY + "\r\nConnection: close\r\n\r\n");
        String status = response.lines().findFirst().orElse("");
        assertTrue(status.matches("HTTP/1\\.1 (400|404) .*"), request + " -> " + status);
        assertNoSecret(response.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("localhost", httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertNoSecret(byte[] body) {
        assertFalse(new String(body, StandardCharsets.ISO_8859_1).contains("TOP-SECRET"), "a file outside IMAGES_DIR was served");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
