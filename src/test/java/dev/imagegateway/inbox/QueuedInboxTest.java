package dev.imagegateway.inbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.routes.StubbedGatewayTestSupport;
import dev.imagegateway.routes.UpstreamStub;
import dev.imagegateway.scale.KafkaBroker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queued inbox (KAFKA_BOOTSTRAP) on one instance with the embedded H2, against a real Kafka broker that is not there
 * at first: the file waits in the inbox (not .error/) and readiness is DOWN naming Kafka; once the broker is up, the
 * file's lines go through the topic and come back as images and a report, the same as a local batch's; a line that is
 * not a request fails on its own; the report is also served from the lines' rows.
 */
class QueuedInboxTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    // static: the settings are read while the test instance is being made, before its own fields are set
    private static final int kafkaPort = dev.imagegateway.TestPorts.free();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        p.setProperty("inbox.poll-ms", "200");
        p.setProperty("inbox.min-age-ms", "300");
        p.setProperty("kafka.bootstrap", "127.0.0.1:" + kafkaPort);
        p.setProperty("kafka.session-timeout-ms", "6000");
        p.setProperty("inbox.topic-partitions", "4");
        p.setProperty("instance.id", "queued-test");
        p.setProperty("inbox.retry-ms", "1000");
    }

    @Test
    void aFileWaitsForKafkaThenItsLinesGoThroughTheTopic() throws Exception {
        upstream().answerImage(UpstreamStub.png(16, 16));
        Files.writeString(inboxDir.resolve("queued.jsonl"),
                "{\"prompt\": \"A lighthouse\"}\n# a comment\n{\"prompt\": 42}\n{\"prompt\": \"A harbour\", \"size\": \"1024x1024\"}\n");
        HttpClient http = HttpClient.newHttpClient();

        // no broker yet: the file waits (in .retry/, back in the inbox every second), readiness says why
        long waitUntil = System.currentTimeMillis() + 4000;
        boolean seenAside = false;
        while (System.currentTimeMillis() < waitUntil) {
            seenAside |= Files.exists(inboxDir.resolve(".retry").resolve("queued.jsonl"));
            assertTrue(Files.exists(inboxDir.resolve("queued.jsonl")) || Files.exists(inboxDir.resolve(".retry").resolve("queued.jsonl")),
                    "the file waits in the inbox or beside it");
            Thread.sleep(20);
        }
        assertTrue(seenAside, "the file was set aside in .retry/");
        assertFalse(Files.exists(inboxDir.resolve(".error").resolve("queued.jsonl")), "not refused");
        assertFalse(Files.exists(inboxDir.resolve(".error").resolve("queued.jsonl.reason.txt")), "not refused");
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort()
                + "/observe/health/ready?exposureLevel=full")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("inbox-queue"), ready.body());
        assertEquals(0, upstreamCalls(), "nothing generated without the queue");

        try (KafkaBroker kafka = KafkaBroker.start(kafkaPort)) {
            Path report = inboxDir.resolve(".done").resolve("queued.jsonl.report.json");
            long deadline = System.currentTimeMillis() + 90_000;
            while (!(Files.exists(report) && Files.exists(inboxDir.resolve(".done").resolve("queued.jsonl")))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(report), "the report within 90 s of the broker's start");
            JsonNode content = JSON.readTree(Files.readString(report));
            assertEquals(3, content.at("/totals/lines").asInt());
            assertEquals(2, content.at("/totals/succeeded").asInt());
            assertEquals(1, content.at("/totals/failed").asInt());
            assertEquals(List.of(1, 3, 4), content.get("lines").findValues("line").stream().map(JsonNode::asInt).toList());
            Set<String> images = new HashSet<>();
            for (JsonNode line : content.get("lines")) {
                if ("OK".equals(line.path("status").asText())) {
                    images.add(line.path("filename").asText());
                    assertTrue(Files.exists(savedImage(line.path("filename").asText())));
                } else {
                    assertEquals("INVALID_ARGUMENT", line.path("status").asText());
                    assertTrue(line.path("error").asText().contains("prompt"), line.toString());
                }
            }
            assertEquals(2, images.size());
            assertEquals(2, upstreamCalls(), "each line generated once");
            assertEquals("{\"prompt\": 42}\n", Files.readString(inboxDir.resolve(".done").resolve("queued.jsonl.failed.jsonl")));

            // the same report from the lines' rows (what another instance serves)
            Files.move(report, Files.createTempDirectory("moved-report").resolve("elsewhere.json"));
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort()
                    + "/api/batches?file=queued.jsonl")).header("X-API-KEY", KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), page.body());
            JsonNode shared = JSON.readTree(page.body()).path("report");
            assertEquals(3, shared.path("lines_total").asInt());
            assertEquals(1, shared.at("/totals/failed").asInt());
            assertEquals(content.get("lines").findValues("filename"), shared.get("lines").findValues("filename"));

            ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/observe/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
        }
    }
}
