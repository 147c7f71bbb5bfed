package dev.imagegateway.launch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger survives a kill -9 in the middle of a burst, and a restart: the gateway runs in its own JVM (offline
 * provider, H2 under its DATA_DIR), is killed after 15 answers while calls are in flight; started again on the same
 * folder it serves and reports them, and once it has stopped every request that was answered has its row.
 */
class LedgerCrashTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyAnsweredRequestHasItsRowAfterAKillAndARestart() throws Exception {
        Path work = Files.createTempDirectory("ledger-crash");
        Set<String> answered = ConcurrentHashMap.newKeySet();
        Process gateway = start(work, "first.log");
        int port = Integer.parseInt(Files.readString(work.resolve("port")));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            HttpClient client = HttpClient.newHttpClient();
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String prompt = "burst " + i;
                calls.add(pool.submit(() -> {
                    try {
                        HttpResponse<String> response = generate(client, port, prompt);
                        if (response.statusCode() == 200) {
                            answered.add(response.headers().firstValue("x-request-id").orElseThrow());
                        }
                    } catch (Exception killed) {
                        // the process died under this call: it was never answered
                    }
                    return null;
                }));
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (answered.size() < 15 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            gateway.destroyForcibly(); // SIGKILL
            assertTrue(gateway.waitFor(30, TimeUnit.SECONDS));
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            gateway.destroyForcibly();
        }
        assertTrue(answered.size() >= 15, "answered before the kill: " + answered.size());
        assertTrue(answered.size() < 80, "the kill came in the middle of the burst");

        // started again on the same DATA_DIR: it serves, and reports the first run's rows and the new one (H2 writes its
        // commits within half a second; the rows of that last half second come back from the write-ahead file)
        Process again = start(work, "second.log");
        try {
            int port2 = Integer.parseInt(Files.readString(work.resolve("port")));
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> after = generate(client, port2, "after the restart");
            assertEquals(200, after.statusCode());
            answered.add(after.headers().firstValue("x-request-id").orElseThrow());
            HttpResponse<String> usage = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port2
                    + "/api/usage?group_by=key")).header("X-API-KEY", "crash-key").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, usage.statusCode(), usage.body());
            assertTrue(JSON.readTree(usage.body()).path("total").path("requests").asLong() >= answered.size(), usage.body());
        } finally {
            again.destroy();
            assertTrue(again.waitFor(30, TimeUnit.SECONDS));
        }

        Set<String> rows = new HashSet<>();
        try (var db = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data/gateway").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
             var query = db.createStatement().executeQuery("SELECT request_id FROM usage_ledger")) {
            while (query.next()) {
                rows.add(query.getString(1));
            }
        }
        Set<String> missing = new HashSet<>(answered);
        missing.removeAll(rows);
        assertEquals(Set.of(), missing, "answered requests without a ledger row (of " + answered.size() + " answered)");
    }

    private static HttpResponse<String> generate(HttpClient client, int port, String prompt) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/generate"))
                .timeout(Duration.ofSeconds(60)).header("X-API-KEY", "crash-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("prompt", prompt))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Process start(Path work, String logName) throws Exception {
        int httpPort = ChildGateway.freePort();
        Files.writeString(work.resolve("port"), Integer.toString(httpPort));
        return ChildGateway.start(work, logName, Map.of("API_SECRET_KEY", "crash-key", "IMAGE_PROVIDER", "local",
                "HTTP_PORT", Integer.toString(httpPort), "IMAGES_DIR", work.resolve("images").toString(),
                "DATA_DIR", work.resolve("data").toString()));
    }
}
