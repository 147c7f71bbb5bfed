package dev.imagegateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Properties;

import dev.imagegateway.routes.Doors;
import dev.imagegateway.routes.Doors.Outcome;
import dev.imagegateway.routes.StubbedGatewayTestSupport;
import dev.imagegateway.routes.UpstreamStub;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named keys from API_KEYS_FILE (one plain, one hashed) through both doors, and their limits. */
class NamedKeysTest extends StubbedGatewayTestSupport {

    private static final Path KEYS_FILE = keysFile();

    private static Path keysFile() {
        try {
            Path file = Files.createTempFile("gateway-keys", ".txt");
            Files.writeString(file, "alice:alice-secret rpm=2\n"
                    + "bob:sha256:" + HexFormat.of().formatHex(ApiKeys.sha256("bob-secret")) + " concurrency=1\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("api.keys-file", KEYS_FILE.toString());
        p.setProperty("upstream.retries", "0");
    }

    @Test
    void fileKeysWorkBesideTheEnvironmentsAndAreLimited() throws Exception {
        upstream().answerImage(UpstreamStub.png(4, 4));
        try (Doors alice = new Doors(httpPort(), grpcPort(), "alice-secret")) {
            assertEquals(200, alice.rest("one").httpStatus());
            assertEquals(Status.Code.OK, alice.grpc("two", 5000).grpcCode());
            Outcome rest = alice.rest("three");
            assertEquals(429, rest.httpStatus());
            assertTrue(rest.message().contains("'alice'"), rest.message());
            assertNotNull(rest.retryAfter());
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, alice.grpc("four", 5000).grpcCode());
        }
        try (Doors bob = new Doors(httpPort(), grpcPort(), "bob-secret")) {
            assertEquals(200, bob.rest("hashed key").httpStatus());
            // bob may have one call in flight: a second one at the same time is refused
            upstream().answer(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withFixedDelay(1000)
                    .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> bob.grpc("slow", 10_000));
            Thread.sleep(300);
            Outcome second = bob.rest("at the same time");
            assertEquals(429, second.httpStatus(), second.message());
            assertTrue(second.message().contains("Concurrency limit"), second.message());
            assertEquals(Status.Code.OK, first.get().grpcCode());
            assertEquals(200, bob.rest("after").httpStatus(), "the slot is free again");
        }
        // the environment's keys still work, and the limits of one key are not another's
        assertEquals(200, doors().rest("env key").httpStatus());
        assertEquals(6, upstreamCalls());
    }
}
