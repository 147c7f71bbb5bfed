package dev.imagegateway.routes;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The images folder on a real, small file system (a 1 MiB tmpfs) that fills up: a save that fails gives the seed's
 * empty filename (REST), an error instead of a dead link (OpenAI door, url), leaves no temporary file, and turns
 * readiness DOWN naming the folder; once space is back readiness comes UP by itself and images are saved again.
 * Needs permission to mount a tmpfs (root, as in CI); skipped where the mount is refused.
 */
class DiskFullTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MOUNT = createTempDir();
    private static final boolean MOUNTED = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", MOUNT.toString());
    private final HttpClient http = HttpClient.newHttpClient();

    private static boolean run(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    protected Path imagesFolder() {
        return MOUNT;
    }

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
    }

    @AfterAll
    void unmount() {
        context.stop();
        if (MOUNTED) {
            run("umount", MOUNT.toString());
        }
    }

    /** A PNG of noise, which does not compress: about 120 KB. */
    private static byte[] noisyPng() throws Exception {
        BufferedImage image = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + path)).header("X-API-KEY", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + path)).header("X-API-KEY", KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long writingFiles() throws Exception {
        try (Stream<Path> files = Files.list(MOUNT)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".writing-")).count();
        }
    }

    @Test
    void aFullDiskIsReportedAndNoNameOrLinkIsPromisedForAnImageNotSaved() throws Exception {
        Assumptions.assumeTrue(MOUNTED, "cannot mount a tmpfs here");
        upstream().answerImage(noisyPng());
        assertEquals(200, get("/observe/health").statusCode(), get("/observe/health").body());

        // fill the file system but for a few kilobytes
        Path filler = MOUNT.resolve(".filler");
        long free = Files.getFileStore(MOUNT).getUsableSpace();
        Files.write(filler, new byte[(int) Math.max(0, free - 16 * 1024)]);

        HttpResponse<String> rest = post("/generate", "{\"prompt\":\"x\"}");
        assertEquals(200, rest.statusCode(), rest.body());
        assertEquals("", JSON.readTree(rest.body()).get("filename").asText(), "the seed's answer when saving fails");
        assertFalse(JSON.readTree(rest.body()).get("image").asText().isEmpty());
        assertEquals(0, writingFiles(), "no temporary file stays behind");
        try (Stream<Path> files = Files.list(MOUNT)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".png")).count(), "no truncated image stays behind");
        }

        HttpResponse<String> url = post("/v1/images/generations", "{\"prompt\":\"x\",\"response_format\":\"url\"}");
        assertEquals(500, url.statusCode(), url.body());
        assertTrue(url.body().contains("could not be saved"), url.body());
        HttpResponse<String> b64 = post("/v1/images/generations", "{\"prompt\":\"x\",\"response_format\":\"b64_json\"}");
        assertEquals(200, b64.statusCode(), b64.body());

        HttpResponse<String> down = get("/observe/health");
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().contains("images-folder"), down.body());
        assertEquals(0, writingFiles());

        // space is back: ready again by itself, and images are saved
        Files.delete(filler);
        HttpResponse<String> up = get("/observe/health");
        assertEquals(200, up.statusCode(), up.body());
        HttpResponse<String> again = post("/generate", "{\"prompt\":\"x\"}");
        String filename = JSON.readTree(again.body()).get("filename").asText();
        assertFalse(filename.isEmpty(), again.body());
        assertTrue(Files.exists(MOUNT.resolve(filename)), "the name given is on disk when the reply arrives");
    }
}
