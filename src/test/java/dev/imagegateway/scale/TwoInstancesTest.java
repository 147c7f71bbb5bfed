package dev.imagegateway.scale;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.launch.ChildGateway;
import dev.imagegateway.routes.UpstreamStub;
import dev.imagegateway.spend.PostgresServer;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway instances, each its own JVM, sharing one PostgreSQL (ledger and budgets) and one bucket (S3Proxy), in
 * front of one OpenAI stub: 100 concurrent calls spread over both with a key whose budget covers 40 images give exactly
 * 40 images and 60 {@code insufficient_quota}; the ledger has 40 rows, the bucket 40 images; a key of 10 requests a
 * minute gets 10 of 30 calls across both (keys.limits-shared), a key of 3 calls at once 3 of 12 two-second calls; each
 * instance's gallery lists every image.
 */
class TwoInstancesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "shared-images";

    @Test
    void twoInstancesShareOneBudgetOneLedgerAndOneBucket() throws Exception {
        String database = PostgresServer.newDatabase();
        UpstreamStub upstream = new UpstreamStub();
        List<Process> gateways = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            s3.createBucket(BUCKET);
            upstream.answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(300)
                    .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(64, 64)))));
            Path work = Files.createTempDirectory("two-instances");
            Path models = SharedInstance.pricedModels(work);
            Path keys = Files.writeString(work.resolve("keys.txt"), "team:team-secret budget_day=1.60\npaced:paced-secret rpm=10\nnarrow:narrow-secret concurrency=3\n");
            int[] ports = {ChildGateway.freePort(), ChildGateway.freePort()};
            for (int i = 0; i < 2; i++) {
                Path home = Files.createDirectories(work.resolve("instance-" + i));
                Map<String, String> env = SharedInstance.env(home, ports[i], keys, models, upstream, database, s3, BUCKET);
                gateways.add(ChildGateway.start(home, "gateway.log", env));
            }

            HttpClient http = HttpClient.newBuilder().executor(pool).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[i % 2] + "/generate"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("X-API-KEY", "team-secret")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"shared " + i + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int quota = 0;
            Set<String> filenames = new HashSet<>();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get();
                if (response.statusCode() == 200) {
                    ok++;
                    filenames.add(JSON.readTree(response.body()).path("filename").asText());
                } else if (response.statusCode() == 429 && response.body().contains("Budget of $1.60 per day for key 'team'")) {
                    quota++;
                }
            }
            assertEquals(40, ok, "calls served across both instances");
            assertEquals(60, quota, "calls refused insufficient_quota");
            assertEquals(40, filenames.size());

            // one ledger: either instance reports the same 40 rows and $1.60
            for (int port : ports) {
                JsonNode usage = get(http, port, "/api/usage?group_by=key&key=team");
                assertEquals(40, usage.path("total").path("requests").asLong(), "ledger rows seen from :" + port);
                assertEquals(1.60, usage.path("total").path("cost_usd").asDouble(), 1e-9);
            }
            // one bucket: the 40 images, each once, and each instance's gallery lists them all
            try (Stream<Path> objects = Files.list(s3.bucketFolder(BUCKET))) {
                assertEquals(filenames, objects.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                        .collect(java.util.stream.Collectors.toSet()));
            }
            // one allowance per minute: rpm=10 across both instances, 30 calls at once
            int second = java.time.LocalTime.now(java.time.ZoneOffset.UTC).getSecond();
            if (second >= 50) {
                Thread.sleep((61 - second) * 1000L); // all 30 within one calendar minute
            }
            List<CompletableFuture<HttpResponse<String>>> paced = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                paced.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[i % 2] + "/generate"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("X-API-KEY", "paced-secret")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"paced " + i + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int pacedOk = 0;
            int limited = 0;
            for (CompletableFuture<HttpResponse<String>> call : paced) {
                HttpResponse<String> response = call.get();
                if (response.statusCode() == 200) {
                    pacedOk++;
                    filenames.add(JSON.readTree(response.body()).path("filename").asText());
                } else if (response.statusCode() == 429 && response.body().contains("10 requests per minute")
                        && response.headers().firstValue("Retry-After").isPresent()) {
                    limited++;
                }
            }
            assertEquals(10, pacedOk, "requests per minute across both instances");
            assertEquals(20, limited);

            // one count of calls in flight: concurrency=3 across both instances, 12 calls at once that each take 2 s
            upstream.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                    com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(UpstreamStub.PATH)).atPriority(1)
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("narrow"))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(2000)
                            .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(64, 64))))));
            List<CompletableFuture<HttpResponse<String>>> narrow = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                narrow.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[i % 2] + "/generate"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("X-API-KEY", "narrow-secret")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"narrow " + i + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int narrowOk = 0;
            int narrowRefused = 0;
            for (CompletableFuture<HttpResponse<String>> call : narrow) {
                HttpResponse<String> response = call.get();
                if (response.statusCode() == 200) {
                    narrowOk++;
                    filenames.add(JSON.readTree(response.body()).path("filename").asText());
                } else if (response.statusCode() == 429 && response.body().contains("Concurrency limit of 3 calls reached for key 'narrow'")) {
                    narrowRefused++;
                }
            }
            assertEquals(3, narrowOk, "calls in flight at once across both instances");
            assertEquals(9, narrowRefused);

            for (int port : ports) {
                Set<String> listed = new HashSet<>();
                for (JsonNode image : get(http, port, "/api/images?limit=100").path("images")) {
                    listed.add(image.path("filename").asText());
                }
                assertEquals(filenames, listed, "gallery of :" + port);
            }
        } finally {
            gateways.forEach(Process::destroy);
            for (Process gateway : gateways) {
                gateway.waitFor();
            }
            pool.shutdownNow();
            upstream.stop();
        }
    }

    private static JsonNode get(HttpClient http, int port, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-KEY", "operator-key").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
