package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /observe/health and /observe/metrics on the gateway's HTTP server. */
class ObservabilityTest extends StubbedGatewayTestSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "1");
        p.setProperty("upstream.retry-initial-delay-ms", "10");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsUpThenNamesTheFailingCheck() throws Exception {
        // ready once every consumer has started (the inbox's first poll comes right after start)
        HttpResponse<String> up = get("/observe/health");
        for (long deadline = System.currentTimeMillis() + 5000; up.statusCode() != 200 && System.currentTimeMillis() < deadline; ) {
            Thread.sleep(50);
            up = get("/observe/health");
        }
        assertEquals(200, up.statusCode(), up.body());
        assertTrue(up.body().contains("\"UP\""), up.body());
        assertEquals(200, get("/observe/health/live").statusCode());

        Path moved = imagesDir.resolveSibling(imagesDir.getFileName() + "-away");
        Files.move(imagesDir, moved);
        try {
            HttpResponse<String> down = get("/observe/health");
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("images-folder"), down.body());
            // liveness is about the process, not the folder
            assertEquals(200, get("/observe/health/live").statusCode());
        } finally {
            Files.move(moved, imagesDir);
        }
        assertEquals(200, get("/observe/health").statusCode());
    }

    @Test
    void metricsCountRequestsImagesAndRetries() throws Exception {
        String before = get("/observe/metrics").body();
        upstream().answerImage(UpstreamStub.png(4, 4));
        Doors.Outcome ok = doors().rest("x");
        assertEquals(Status.Code.OK, doors().grpc("y", 5000).grpcCode());
        savedImage(ok.filename());
        upstream().answerJson(503, UpstreamStub.error("busy", null));
        doors().rest("z");

        HttpResponse<String> scrape = get("/observe/metrics");
        assertEquals(200, scrape.statusCode());
        String after = scrape.body();
        assertEquals(1, metricValue(after, "gateway_requests_total{door=\"rest\",key=\"env-1\",status=\"200\"}")
                - metricValue(before, "gateway_requests_total{door=\"rest\",key=\"env-1\",status=\"200\"}"));
        assertEquals(1, metricValue(after, "gateway_requests_total{door=\"grpc\",key=\"env-1\",status=\"OK\"}")
                - metricValue(before, "gateway_requests_total{door=\"grpc\",key=\"env-1\",status=\"OK\"}"));
        assertEquals(1, metricValue(after, "gateway_requests_total{door=\"rest\",key=\"env-1\",status=\"502\"}")
                - metricValue(before, "gateway_requests_total{door=\"rest\",key=\"env-1\",status=\"502\"}"));
        assertTrue(metricValue(after, "gateway_images_saved_total") - metricValue(before, "gateway_images_saved_total") >= 2);
        assertTrue(metricValue(after, "gateway_images_saved_bytes_total") > metricValue(before, "gateway_images_saved_bytes_total"));
        assertEquals(1, metricValue(after, "gateway_upstream_retries_total") - metricValue(before, "gateway_upstream_retries_total"));
        assertTrue(after.contains("gateway_request_duration_seconds_bucket{door=\"rest\""), "latency histogram");
        assertTrue(after.contains("gateway_upstream_duration_seconds_bucket{status=\"200\""), "upstream histogram");
        assertTrue(after.contains("gateway_upstream_circuit_open 0.0"));
        assertTrue(after.contains("gateway_inbox_files_waiting"));
        assertTrue(!after.contains(KEY) && !after.contains(UpstreamStub.OPENAI_KEY), "no key in metrics");
    }
}
