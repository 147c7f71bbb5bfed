package dev.imagegateway.inbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.routes.StubbedGatewayTestSupport;
import dev.imagegateway.routes.UpstreamStub;
import dev.imagegateway.scale.KafkaBroker;
import dev.imagegateway.spend.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queued inbox while its shared PostgreSQL goes away mid-batch (a real server, stopped as a crash would, then
 * started again): the lines being generated keep their images, their outcomes wait until the database answers, and
 * the batch ends with every line done once; nothing is generated twice, nothing lost.
 */
class QueuedInboxOutageTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static PostgresServer server;
    private static String url;
    private static KafkaBroker kafka;

    @BeforeAll
    static void servers() throws Exception {
        // aborts (or, with REQUIRE_POSTGRES=1, fails) the class when PostgreSQL is not installed
        url();
    }

    /** Started when the gateway's settings are first read (that may be before the class's @BeforeAll). */
    private static synchronized String kafka() throws Exception {
        if (kafka == null) {
            kafka = KafkaBroker.start();
        }
        return kafka.bootstrap();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static synchronized String url() throws Exception {
        if (url == null) {
            server = PostgresServer.own();
            url = server.createDatabase();
        }
        return url;
    }

    @Override
    protected void upstreamSettings(Properties p) {
        try {
            p.setProperty("database.url", url());
            p.setProperty("kafka.bootstrap", kafka());
        } catch (Exception | AssertionError e) {
            // not installed: @BeforeAll says so and the gateway is never started
        }
        p.setProperty("database.probe-interval-ms", "300");
        p.setProperty("database.connect-timeout-ms", "500");
        p.setProperty("upstream.retries", "0");
        p.setProperty("inbox.poll-ms", "200");
        p.setProperty("inbox.min-age-ms", "300");
        p.setProperty("kafka.session-timeout-ms", "6000");
        p.setProperty("inbox.topic-partitions", "4");
    }

    @Test
    void theDatabaseGoesAwayWhileLinesAreGeneratedAndNoLineIsLostOrMadeTwice() throws Exception {
        // each image takes the stub 2 s: the database is stopped while the three lines are in flight
        upstream().answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(2000)
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(16, 16)))));
        long readyBy = System.currentTimeMillis() + 30_000;
        while (!context.getRegistry().lookupByNameAndType("inboxQueueTopic", InboxQueueTopic.class).ready()) {
            assertTrue(System.currentTimeMillis() < readyBy, "the topic is there within 30 s");
            Thread.sleep(100);
        }
        Files.writeString(inboxDir.resolve("outage.txt"), "A lighthouse\nA harbour\nA ferry\n");
        long deadline = System.currentTimeMillis() + 30_000;
        while (upstreamCalls() < 3) {
            assertTrue(System.currentTimeMillis() < deadline, "three lines in flight within 30 s: " + upstreamCalls());
            Thread.sleep(50);
        }
        server.halt();
        try {
            Thread.sleep(6000);
            assertTrue(!Files.exists(inboxDir.resolve(".done").resolve("outage.txt.report.json")), "no report while the lines' outcomes wait");
        } finally {
            server.resume();
        }
        Path report = inboxDir.resolve(".done").resolve("outage.txt.report.json");
        deadline = System.currentTimeMillis() + 90_000;
        while (!Files.exists(report) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(Files.exists(report), "the report once the database is back");
        JsonNode content = JSON.readTree(Files.readString(report));
        assertEquals(3, content.at("/totals/succeeded").asInt(), content.toString());
        for (JsonNode line : content.get("lines")) {
            assertTrue(Files.exists(savedImage(line.path("filename").asText())), line.toString());
        }
        assertEquals(3, upstreamCalls(), "each line generated once");
    }
}
