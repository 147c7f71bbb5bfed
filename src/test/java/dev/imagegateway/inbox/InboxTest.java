package dev.imagegateway.inbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.pipeline.ImageFormat;
import dev.imagegateway.routes.StubbedGatewayTestSupport;
import dev.imagegateway.routes.UpstreamStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inbox door with the real routes: files in, images, reports and failed lines out, resume after a crash. */
class InboxTest extends StubbedGatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        p.setProperty("inbox.poll-ms", "200");
        p.setProperty("inbox.min-age-ms", "600");
        p.setProperty("inbox.max-file-bytes", "4096");
    }

    @BeforeEach
    void answerImages() {
        upstream().answerImage(UpstreamStub.png(16, 16));
    }

    private Path done(String name) {
        return inboxDir.resolve(".done").resolve(name);
    }

    /** Waits for the batch's report (the batch is over when its file has moved beside it). */
    private JsonNode awaitReport(String name) throws Exception {
        Path report = done(name + ".report.json");
        long deadline = System.currentTimeMillis() + 20_000;
        while (!(Files.exists(report) && Files.exists(done(name))) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(report), "no report for " + name);
        assertTrue(Files.exists(done(name)), name + " not moved to .done/");
        assertFalse(Files.exists(inboxDir.resolve(name)), name + " still in the inbox");
        return JSON.readTree(Files.readString(report));
    }

    private void drop(String name, String content) throws IOException {
        // written aside and moved in, as a user's copy would land
        Path tmp = Files.createTempFile("prompt", ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, inboxDir.resolve(name));
    }

    @Test
    void aTextFileGivesOneImagePerPrompt() throws Exception {
        drop("city.txt", "# my prompts\nA city at dawn\n\nA city at noon\n   \nA city at dusk\n");
        JsonNode report = awaitReport("city.txt");

        assertEquals(3, report.at("/totals/lines").asInt());
        assertEquals(3, report.at("/totals/succeeded").asInt());
        assertEquals(0, report.at("/totals/failed").asInt());
        assertEquals(List.of(2, 4, 6), report.get("lines").findValues("line").stream().map(JsonNode::asInt).toList());
        for (JsonNode line : report.get("lines")) {
            assertEquals("OK", line.get("status").asText());
            Path image = savedImage(line.get("filename").asText());
            assertEquals(ImageFormat.PNG, ImageFormat.detect(Files.readAllBytes(image)));
            assertTrue(line.get("duration_ms").asLong() >= 0);
        }
        assertEquals(3, savedImages().size());
        assertEquals(3, upstreamCalls());
        upstream().server().verify(postRequestedFor(urlEqualTo(UpstreamStub.PATH)).withRequestBody(containing("A city at noon")));
        assertFalse(Files.exists(done("city.txt.failed.txt")));
        assertTrue(Files.list(inboxDir.resolve(".state")).findAny().isEmpty(), "the journal is gone once the batch is over");
    }

    @Test
    void aRejectedLineInTheMiddleStopsNothing() throws Exception {
        upstream().server().stubFor(post(urlEqualTo(UpstreamStub.PATH)).withRequestBody(containing("forbidden"))
                .willReturn(aResponse().withStatus(400).withBody(
                        UpstreamStub.error("Your request was rejected by our safety system", "content_policy_violation"))));
        drop("mixed.jsonl", """
                {"prompt": "a lake", "size": "1792x1024"}
                {"prompt": "something forbidden"}
                {"prompt": "a mountain", "size": "9x9"}
                this is not json
                {"prompt": "a forest"}
                """);
        JsonNode report = awaitReport("mixed.jsonl");

        assertEquals(5, report.at("/totals/lines").asInt());
        assertEquals(2, report.at("/totals/succeeded").asInt());
        assertEquals(3, report.at("/totals/failed").asInt());
        JsonNode lines = report.get("lines");
        assertEquals("OK", lines.get(0).get("status").asText());
        assertEquals("INVALID_ARGUMENT", lines.get(1).get("status").asText());
        assertTrue(lines.get(1).get("error").asText().contains("safety system"));
        assertTrue(lines.get(2).get("error").asText().contains("'size'"));
        assertTrue(lines.get(3).get("error").asText().contains("not valid JSON"));
        assertEquals("OK", lines.get(4).get("status").asText());
        assertEquals(3, upstreamCalls(), "the bad size and the bad line never reach the upstream");
        assertEquals(2, savedImages().size());
        assertEquals("{\"prompt\": \"something forbidden\"}\n{\"prompt\": \"a mountain\", \"size\": \"9x9\"}\nthis is not json\n",
                Files.readString(done("mixed.jsonl.failed.jsonl")));
    }

    @Test
    void jsonLinesNameModelsAndOptionsAsTheOtherDoorsDo() throws Exception {
        upstream().reset();
        upstream().behaveLikeOpenAiOn20261126(UpstreamStub.png(16, 16));
        drop("models.jsonl", """
                {"prompt": "a lake", "model": "dall-e-3", "size": "1024x1792", "quality": "hd"}
                {"prompt": "a hill", "model": "gpt-image-2.6-sunburst", "output_format": "webp"}
                {"prompt": "a cave", "model": "dall-e-3", "size": "256x256"}
                """);
        JsonNode report = awaitReport("models.jsonl");
        assertEquals(2, report.at("/totals/succeeded").asInt(), report.toString());
        assertTrue(report.get("lines").get(1).get("filename").asText().endsWith(".webp"));
        assertTrue(report.get("lines").get(2).get("error").asText().contains("'size' is invalid for dall-e-3"));
        var sent = upstream().server().findAll(postRequestedFor(urlEqualTo(UpstreamStub.PATH))).stream()
                .map(r -> r.getBodyAsString()).sorted().toList();
        assertEquals(2, sent.size());
        JsonNode lake = JSON.readTree(sent.stream().filter(b -> b.contains("a lake")).findFirst().orElseThrow());
        assertEquals("gpt-image-2.6-flare", lake.get("model").asText());
        assertEquals("1024x1792", lake.get("size").asText());
        assertEquals("high", lake.get("quality").asText());
    }

    /** Waits until the inbox refused {@code name}: it sits in .error/ with its reason beside it. */
    private String awaitRefusal(String name) throws Exception {
        Path reason = inboxDir.resolve(".error").resolve(name + ".reason.txt");
        long deadline = System.currentTimeMillis() + 15_000;
        // the reason is written first, then the file consumer moves the file: the outcome is both
        while (!(Files.exists(reason) && Files.exists(inboxDir.resolve(".error").resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(reason), "no refusal for " + name);
        assertFalse(Files.exists(inboxDir.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS), name + " still in the inbox");
        assertTrue(Files.exists(inboxDir.resolve(".error").resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS), name + " not in .error/");
        return Files.readString(reason);
    }

    @Test
    void onlyRegularFilesOfTheInboxItselfAreRead() throws Exception {
        // a link out of the inbox, a directory and a FIFO, each named like a prompt file: refused unread
        Path secret = Files.createTempFile("secret", ".txt");
        Files.writeString(secret, "root:x:0:0:root:/root:/bin/bash\n");
        Files.createSymbolicLink(inboxDir.resolve("x.txt"), secret);
        Files.createDirectory(inboxDir.resolve("folder.txt"));
        Process mkfifo = new ProcessBuilder("mkfifo", inboxDir.resolve("pipe.txt").toString()).start();
        assertEquals(0, mkfifo.waitFor());

        assertTrue(awaitRefusal("x.txt").contains("symbolic link"));
        assertTrue(awaitRefusal("folder.txt").contains("directory"));
        assertTrue(awaitRefusal("pipe.txt").contains("not a regular file"));
        assertTrue(Files.isSymbolicLink(inboxDir.resolve(".error").resolve("x.txt")), "the link itself moved, not its target");
        assertTrue(Files.exists(secret), "the link's target is untouched");
        assertEquals(0, upstreamCalls(), "nothing of the target went upstream");

        // and a regular file dropped after them is picked up at once, not after read-lock timeouts
        long dropped = System.currentTimeMillis();
        drop("after.txt", "A lighthouse\n");
        assertEquals(1, awaitReport("after.txt").at("/totals/succeeded").asInt());
        assertTrue(System.currentTimeMillis() - dropped < 5000, "picked up in " + (System.currentTimeMillis() - dropped) + " ms");
    }

    @Test
    void aBatchGetsItsShareAndInteractiveCallsAreServedMeanwhile() throws Exception {
        upstream().reset();
        upstream().answer(aResponse().withStatus(200).withFixedDelay(300).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(16, 16)))));
        StringBuilder prompts = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            prompts.append("Batch prompt ").append(i).append('\n');
        }
        drop("forty.txt", prompts.toString());
        long deadline = System.currentTimeMillis() + 10_000;
        while (upstreamCalls() < 4 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        long started = System.currentTimeMillis();
        assertEquals(200, doors().rest("an interactive call").httpStatus());
        long took = System.currentTimeMillis() - started;
        assertTrue(took < 1500, "an interactive call waited " + took + " ms behind the batch");
        JsonNode report = awaitReport("forty.txt");
        assertEquals(40, report.at("/totals/succeeded").asInt());
    }

    @Test
    void everyFileGetsAnOutcome() throws Exception {
        drop("empty.txt", "");
        JsonNode empty = awaitReport("empty.txt");
        assertEquals(0, empty.at("/totals/lines").asInt());

        Files.write(inboxDir.resolve("binary.txt"), new byte[] {'a', ' ', 'c', 'a', 't', '\n', 0, 1, 2, '\n', 'x'});
        assertTrue(awaitRefusal("binary.txt").contains("NUL bytes"));
        Files.write(inboxDir.resolve("latin1.txt"), "caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(awaitRefusal("latin1.txt").contains("not UTF-8"));
        // an overlong encoding of '/' is no UTF-8 either
        Files.write(inboxDir.resolve("overlong.txt"), new byte[] {'a', (byte) 0xC0, (byte) 0xAF, 'b', '\n'});
        assertTrue(awaitRefusal("overlong.txt").contains("not UTF-8"));
        drop("big.txt", "A prompt that is long enough to matter\n".repeat(200));
        assertTrue(awaitRefusal("big.txt").contains("at most 4096 bytes"));
        assertEquals(0, upstreamCalls(), "no line of a refused file went upstream");
    }

    @Test
    void aFileStillBeingWrittenIsNotReadEarly() throws Exception {
        Path file = inboxDir.resolve("slow.txt");
        Files.writeString(file, "first\n");
        for (String line : new String[] {"second", "third", "fourth", "fifth"}) {
            Thread.sleep(300);
            Files.writeString(file, line + "\n", java.nio.file.StandardOpenOption.APPEND);
        }
        JsonNode report = awaitReport("slow.txt");
        assertEquals(5, report.at("/totals/succeeded").asInt());
    }

    @Test
    void partFilesAreLeftAlone() throws Exception {
        drop("later.txt.part", "a prompt\n");
        Thread.sleep(1500);
        assertTrue(Files.exists(inboxDir.resolve("later.txt.part")));
        assertEquals(0, upstreamCalls());
        Files.move(inboxDir.resolve("later.txt.part"), inboxDir.resolve("later.txt"));
        assertEquals(1, awaitReport("later.txt").at("/totals/succeeded").asInt());
    }

    @Test
    void anUnknownFileGoesToErrorWithItsReason() throws Exception {
        drop("notes.md", "# not prompts\n");
        Path moved = inboxDir.resolve(".error").resolve("notes.md");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(moved) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(moved));
        assertTrue(Files.readString(inboxDir.resolve(".error").resolve("notes.md.reason.txt")).contains(".txt"));
        assertEquals(0, upstreamCalls());
    }

    @Test
    void aBatchInterruptedByACrashResumesWithoutRegenerating() throws Exception {
        // the state a kill -9 leaves: the file still in the inbox; lines 1 and 2 done; line 3 named and its image
        // saved, but killed before it was journaled as done; line 4 named, killed before its image was saved;
        // line 5 not started
        String content = "one\ntwo\nthree\nfour\nfive\n";
        Path journalFile = inboxDir.resolve(".state")
                .resolve(InboxBatchStarter.batchKey("resume.txt", content.getBytes(StandardCharsets.UTF_8)) + ".journal");
        byte[] earlier = UpstreamStub.png(8, 8);
        try (BatchJournal journal = BatchJournal.open(journalFile)) {
            for (int line = 1; line <= 2; line++) {
                String name = "1700000000_00000000000" + line + ".png";
                Files.write(imagesDir.resolve(name), earlier);
                journal.recordDone(line, name, 100);
            }
            journal.recordPending(3, "1700000000_000000000003");
            Files.write(imagesDir.resolve("1700000000_000000000003.png"), earlier);
            journal.recordPending(4, "1700000000_000000000004");
        }
        // and half a journal entry the crash tore
        Files.writeString(journalFile, "\n{\"line\": 5, \"ste", java.nio.file.StandardOpenOption.APPEND);

        drop("resume.txt", content);
        JsonNode report = awaitReport("resume.txt");

        assertEquals(5, report.at("/totals/succeeded").asInt());
        assertEquals(3, report.at("/totals/resumed").asInt());
        assertEquals("1700000000_000000000001.png", report.get("lines").get(0).get("filename").asText());
        assertTrue(report.get("lines").get(0).get("resumed").asBoolean());
        assertEquals("1700000000_000000000003.png", report.get("lines").get(2).get("filename").asText());
        assertFalse(report.get("lines").get(3).path("resumed").asBoolean(false));
        assertEquals(2, upstreamCalls(), "only lines 4 and 5, which have no image, are generated");
        for (String done : new String[] {"one", "two", "three"}) {
            upstream().server().verify(0, postRequestedFor(urlEqualTo(UpstreamStub.PATH)).withRequestBody(containing("\"" + done + "\"")));
        }
        assertEquals(5, savedImages().size(), "exactly one image per line in total");
    }

    @Test
    void twoFilesWithTheSameContentAreTwoBatches() throws Exception {
        drop("a.txt", "same prompt\n");
        drop("b.txt", "same prompt\n");
        assertEquals(1, awaitReport("a.txt").at("/totals/succeeded").asInt());
        assertEquals(1, awaitReport("b.txt").at("/totals/succeeded").asInt());
        assertEquals(2, upstreamCalls());
    }
}
