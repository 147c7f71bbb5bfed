package dev.imagegateway.spend;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.imagegateway.routes.GatewayTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spend database (PostgreSQL, a server of this test's own) goes away and comes back: readiness goes DOWN naming
 * it, keys with a budget get 503, other calls are served with their rows journalled, and once it answers again
 * readiness is UP and every row is in the ledger.
 */
class SpendDatabaseOutageTest extends GatewayTestSupport {

    private static PostgresServer server;
    private static String url;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void database() throws Exception {
        // aborts (or, with REQUIRE_POSTGRES=1, fails) the class when PostgreSQL is not installed
        url();
    }

    private static synchronized String url() throws Exception {
        if (url == null) {
            server = PostgresServer.own();
            url = server.createDatabase();
        }
        return url;
    }

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", "");
        try {
            p.setProperty("database.url", url());
            Path keys = Files.createTempFile("keys", ".txt");
            Files.writeString(keys, "budgeted:budgeted-secret budget_day=10\n");
            p.setProperty("api.keys-file", keys.toString());
        } catch (Exception | AssertionError e) {
            // not installed: @BeforeAll says so and the gateway is never started
        }
        p.setProperty("database.probe-interval-ms", "300");
        p.setProperty("database.connect-timeout-ms", "500");
        return p;
    }

    private int status(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + path));
        if (key != null) {
            request.header("X-API-KEY", key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"during an outage\"}"));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private String health() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/observe/health?exposureLevel=full")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.call()) {
            assertTrue(System.currentTimeMillis() < deadline, what);
            Thread.sleep(100);
        }
    }

    @Test
    void readinessFollowsTheDatabaseAndNoRowIsLost() throws Exception {
        assertEquals(200, status("/generate", KEY));
        assertEquals(200, status("/observe/health", null));

        server.halt();
        await("readiness DOWN naming the database", () -> health().contains("spend-database") && health().contains("DOWN"));
        assertEquals(503, status("/observe/health", null));
        assertEquals(503, status("/generate", "budgeted-secret"), "a budget cannot be checked");
        assertEquals(200, status("/generate", KEY), "a key without a budget is served");
        assertEquals(200, status("/generate", KEY));
        assertTrue(Files.exists(dataDir.resolve("ledger-journal.jsonl")), "its rows wait in the journal");

        server.resume();
        await("readiness UP again", () -> status("/observe/health", null) == 200);
        await("the journal written", () -> !Files.exists(dataDir.resolve("ledger-journal.jsonl")));
        try (var db = java.sql.DriverManager.getConnection(server.jdbcUrl(url.substring(url.lastIndexOf('/') + 1)), "gateway", "");
             var rows = db.createStatement().executeQuery("SELECT COUNT(*) FROM usage_ledger")) {
            rows.next();
            assertEquals(3, rows.getInt(1), "the call before the outage and the two during it");
        }
        assertEquals(200, status("/generate", "budgeted-secret"));
    }
}
