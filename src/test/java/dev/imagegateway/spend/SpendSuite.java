package dev.imagegateway.spend;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.routes.Doors;
import dev.imagegateway.routes.StubbedGatewayTestSupport;
import dev.imagegateway.routes.UpstreamStub;
import io.grpc.Status;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spend, end to end through the real routes and a real database, against an OpenAI stub: per-key budgets on every
 * door, the reservation under 200 concurrent calls, the period's reset (clock injected), allow-lists, the ledger and
 * GET /api/usage, the metrics. Run on H2 (SpendTest) and on PostgreSQL (SpendOnPostgresTest).
 */
abstract class SpendSuite extends StubbedGatewayTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    /** One minute before midnight UTC: the clock test crosses into the next day. */
    static final Instant START = Instant.parse("2026-11-26T23:50:00Z");

    final MutableClock clock = new MutableClock(START);
    private final HttpClient http = HttpClient.newHttpClient();

    /** The spend database's URL; empty for the embedded H2. */
    abstract String databaseUrl();

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("models.file", write("models.yaml", """
                default: priced-4c
                models:
                  # $0.04 an image, whatever the size or quality (the issue's example)
                  priced-4c:
                    provider: openai
                    sizes: [1024x1024, auto]
                    quality: [auto]
                    prices:
                      per_image: {auto: {1024x1024: 0.04}}
                  other:
                    like: priced-4c
                  unpriced:
                    provider: openai
                """).toString());
        p.setProperty("api.keys-file", write("keys.txt", """
                rest-a:rest-a-secret budget_day=1.00
                grpc-a:grpc-a-secret budget_day=1.00
                openai-a:openai-a-secret budget_day=1.00
                burst:burst-secret budget_day=2.00
                limited:limited-secret models=other
                periodic:periodic-secret budget_day=0.08 budget_month=0.20
                boss:boss-secret role=admin
                tiny:tiny-secret budget_day=0.03
                retrier:retrier-secret
                orphan:orphan-secret budget_day=0.08
                """).toString());
        p.setProperty("database.url", databaseUrl());
        p.setProperty("upstream.retries", "0");
        // one test fails five calls on purpose: the breaker must not open on the others' traffic
        p.setProperty("circuit.failure-rate-threshold", "100");
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext context) {
                context.getRegistry().bind("gatewayClock", clock);
            }
        });
        super.configure(configuration);
    }

    private Path folder;

    private Path write(String name, String text) {
        try {
            if (folder == null) {
                folder = Files.createTempDirectory("spend-test");
            }
            return Files.writeString(folder.resolve(name), text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void answerImages(int delayMs) {
        String b64 = Base64.getEncoder().encodeToString(UpstreamStub.png(1024, 1024));
        upstream().answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(b64)).withFixedDelay(delayMs));
    }

    // --- the "done when": $1.00 at $0.04 an image, the 26th refused, on every door ---------------------------

    @Test
    void theTwentySixthRequestIsRefusedOnTheRestDoor() throws Exception {
        answerImages(0);
        Doors rest = new Doors(httpPort(), grpcPort(), "rest-a-secret");
        for (int i = 1; i <= 25; i++) {
            assertEquals(200, rest.rest("fox " + i).httpStatus(), "request " + i);
        }
        Doors.Outcome refused = rest.rest("fox 26");
        assertEquals(429, refused.httpStatus());
        assertTrue(refused.message().contains("Budget of $1.00 per day for key 'rest-a' is spent"), refused.message());
        assertTrue(refused.message().contains("resets at 2026-11-27T00:00:00Z"), refused.message());
        assertEquals(25, upstreamCalls(), "the refused request never reached the upstream");
        rest.close();
        assertSpent("rest-a", "1", 25);
    }

    @Test
    void theTwentySixthRequestIsRefusedOnTheGrpcDoor() throws Exception {
        answerImages(0);
        Doors grpc = new Doors(httpPort(), grpcPort(), "grpc-a-secret");
        for (int i = 1; i <= 25; i++) {
            assertEquals(Status.Code.OK, grpc.grpc("fox " + i, 30_000).grpcCode(), "request " + i);
        }
        Doors.Outcome refused = grpc.grpc("fox 26", 30_000);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.grpcCode());
        assertTrue(refused.message().contains("Budget of $1.00 per day for key 'grpc-a' is spent"), refused.message());
        grpc.close();
        assertSpent("grpc-a", "1", 25);
    }

    @Test
    void theTwentySixthRequestIsRefusedOnTheOpenAiDoorAsInsufficientQuota() throws Exception {
        answerImages(0);
        for (int i = 1; i <= 25; i++) {
            assertEquals(200, openAi("openai-a-secret", "priced-4c").statusCode(), "request " + i);
        }
        HttpResponse<String> refused = openAi("openai-a-secret", "priced-4c");
        assertEquals(429, refused.statusCode());
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertEquals("insufficient_quota", error.path("code").asText());
        assertEquals("insufficient_quota", error.path("type").asText());
        // OpenAI's SDKs would retry a 429: this one cannot succeed before the reset
        assertEquals("false", refused.headers().firstValue("x-should-retry").orElse(null));
        assertSpent("openai-a", "1", 25);
        String metrics = metricsText();
        assertTrue(metrics.matches("(?s).*gateway_spend_usd_total\\{key=\"openai-a\",model=\"priced-4c\",provider=\"openai\",?\\} 1\\.0.*"), "spend metric");
        assertTrue(metrics.matches("(?s).*gateway_budget_remaining_usd\\{key=\"openai-a\",period=\"day\",?\\} 0\\.0.*"), "budget metric");
    }

    // --- 200 at once against a slow upstream: the budget holds ------------------------------------------------------

    @Test
    void twoHundredConcurrentCallsCannotOverspend() throws Exception {
        answerImages(300);
        ExecutorService pool = Executors.newFixedThreadPool(200);
        Doors rest = new Doors(httpPort(), grpcPort(), "burst-secret");
        try {
            List<CompletableFuture<Doors.Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String prompt = "burst " + i;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return rest.rest(prompt);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            int ok = 0;
            int quota = 0;
            for (CompletableFuture<Doors.Outcome> call : calls) {
                Doors.Outcome outcome = call.get();
                if (outcome.httpStatus() == 200) {
                    ok++;
                } else if (outcome.httpStatus() == 429 && outcome.message().contains("Budget of $2.00 per day")) {
                    quota++;
                }
            }
            // estimate = actual here ($0.04): $2.00 buys exactly 50, and the ledger's total stays within budget + one estimate
            assertEquals(50, ok, "calls served");
            assertEquals(150, quota, "calls refused for the budget");
            JsonNode usage = usage("boss-secret", "group_by=key&key=burst");
            double spent = usage.path("total").path("cost_usd").asDouble();
            assertTrue(spent <= 2.00 + 0.04 + 1e-9, "spent " + spent);
            assertEquals(2.00, spent, 1e-9);
            assertEquals(50, upstreamCalls());
        } finally {
            pool.shutdownNow();
            rest.close();
        }
    }

    // --- the period's reset ------------------------------------------------------------------------------------------

    @Test
    void aBudgetResetsAtThePeriodBoundary() throws Exception {
        answerImages(0);
        Doors rest = new Doors(httpPort(), grpcPort(), "periodic-secret");
        try {
            clock.set(START);
            assertEquals(200, rest.rest("one").httpStatus());
            assertEquals(200, rest.rest("two").httpStatus());
            Doors.Outcome spent = rest.rest("three");
            assertEquals(429, spent.httpStatus());
            assertTrue(spent.message().contains("$0.08 per day") && spent.message().contains("resets at 2026-11-27T00:00:00Z"), spent.message());
            // past midnight: a new day's budget; the month's ($0.20) still counts the $0.08 spent
            clock.set(Instant.parse("2026-11-27T00:00:01Z"));
            assertEquals(200, rest.rest("four").httpStatus());
            assertEquals(200, rest.rest("five").httpStatus());
            clock.set(Instant.parse("2026-11-28T08:00:00Z"));
            assertEquals(200, rest.rest("six").httpStatus());
            Doors.Outcome month = rest.rest("seven");
            assertEquals(429, month.httpStatus());
            assertTrue(month.message().contains("$0.20 per month") && month.message().contains("resets at 2026-12-01T00:00:00Z"), month.message());
            clock.set(Instant.parse("2026-12-01T00:00:00Z"));
            assertEquals(200, rest.rest("eight").httpStatus());
            assertEquals(6, upstreamCalls(), "the refused calls never reached the upstream");
        } finally {
            clock.set(START);
            rest.close();
        }
    }

    @Test
    void reservationsLeftByAKilledInstanceAreGivenBackOnceTheirCallsCannotBeInFlight() throws Exception {
        answerImages(0);
        Doors rest = new Doors(httpPort(), grpcPort(), "orphan-secret");
        javax.sql.DataSource db = context.getRegistry().lookupByNameAndType("spendDataSource", javax.sql.DataSource.class);
        try (var connection = db.getConnection(); var statement = connection.createStatement()) {
            clock.set(START);
            // what an instance killed with two $0.04 calls in flight leaves: the whole day's budget reserved, two holds
            statement.executeUpdate("INSERT INTO budget_usage (key_name, period, starts_at, ends_at, spent_usd, reserved_usd) "
                    + "VALUES ('orphan', 'day', TIMESTAMP '2026-11-26 00:00:00', TIMESTAMP '2026-11-27 00:00:00', 0, 0.08)");
            for (String hold : List.of("killed-1:day", "killed-2:day")) {
                statement.executeUpdate("INSERT INTO budget_holds (hold_id, key_name, period, starts_at, amount_usd, expires_at) VALUES ('"
                        + hold + "', 'orphan', 'day', TIMESTAMP '2026-11-26 00:00:00', 0.04, TIMESTAMP '2026-11-26 23:51:00')");
            }
            dev.imagegateway.spend.Budgets budgets = context.getRegistry().lookupByNameAndType("budgets", dev.imagegateway.spend.Budgets.class);
            budgets.sweepExpired();
            Doors.Outcome refused = rest.rest("still held");
            assertEquals(429, refused.httpStatus(), "not expired yet: " + refused.message());

            // past the holds' expiry (their calls' deadline): given back, and the key is served again
            clock.set(START.plus(java.time.Duration.ofMinutes(2)));
            budgets.sweepExpired();
            assertEquals(200, rest.rest("given back").httpStatus());
            assertEquals(200, rest.rest("given back too").httpStatus());
            assertEquals(429, rest.rest("spent now").httpStatus());
            try (var left = statement.executeQuery("SELECT COUNT(*) FROM budget_holds WHERE key_name = 'orphan'")) {
                left.next();
                assertEquals(0, left.getInt(1), "every hold settled or swept");
            }
        } finally {
            clock.set(START);
            rest.close();
        }
    }

    // --- allow-lists ---------------------------------------------------------------------------------------------

    @Test
    void aKeyLimitedToSomeModelsIsRefusedOthersOnEveryDoorBeforeAnyUpstreamCall() throws Exception {
        answerImages(0);
        // REST and gRPC ask for the default model (priced-4c), which "limited" may not use
        Doors limited = new Doors(httpPort(), grpcPort(), "limited-secret");
        Doors.Outcome rest = limited.rest("a fox");
        assertEquals(403, rest.httpStatus());
        assertTrue(rest.message().contains("may not use model 'priced-4c'; it may use other"), rest.message());
        assertEquals(Status.Code.PERMISSION_DENIED, limited.grpc("a fox", 30_000).grpcCode());
        limited.close();
        HttpResponse<String> openAi = openAi("limited-secret", "priced-4c");
        assertEquals(403, openAi.statusCode());
        assertEquals("model_not_allowed", JSON.readTree(openAi.body()).path("error").path("code").asText());
        assertEquals(0, upstreamCalls());
        assertEquals(200, openAi("limited-secret", "other").statusCode(), "the model it may use");
        assertEquals(1, upstreamCalls());
    }

    @Test
    void aKeyWithABudgetMayNotUseAModelWithoutAPrice() throws Exception {
        HttpResponse<String> refused = openAi("rest-a-secret", "unpriced");
        assertEquals(403, refused.statusCode());
        assertEquals("model_not_priced", JSON.readTree(refused.body()).path("error").path("code").asText());
        assertEquals(0, upstreamCalls());
    }

    // --- the ledger and /api/usage ---------------------------------------------------------------------------------

    @Test
    void usageIsForAdminsWholeAndForOtherKeysTheirOwn() throws Exception {
        answerImages(0);
        assertEquals(200, openAi("limited-secret", "other").statusCode());
        JsonNode own = usage("limited-secret", "group_by=key");
        assertEquals("limited", own.path("key").asText());
        for (JsonNode group : own.path("groups")) {
            assertEquals("limited", group.path("group").asText(), "a user key sees only its own rows");
        }
        assertEquals(403, usageResponse("limited-secret", "key=boss").statusCode());
        JsonNode all = usage("boss-secret", "group_by=model");
        assertTrue(all.path("total").path("requests").asLong() >= 1);
        assertEquals(400, usageResponse("boss-secret", "group_by=colour").statusCode());
        assertEquals(400, usageResponse("boss-secret", "from=yesterday").statusCode());
        assertEquals(400, usageResponse("boss-secret", "from=-1000000000-01-01T00:00:00Z").statusCode());
        assertEquals(401, usageResponse("wrong", "").statusCode());
    }

    @Test
    void aFailedCallThatReachedTheProviderIsInTheLedgerAtNoCostAndReleasesItsReservation() throws Exception {
        upstream().answerJson(500, UpstreamStub.error("boom", "server_error"));
        Doors rest = new Doors(httpPort(), grpcPort(), "periodic-secret");
        try {
            clock.set(Instant.parse("2026-12-20T12:00:00Z"));
            for (int i = 0; i < 5; i++) {
                assertEquals(502, rest.rest("fails " + i).httpStatus());
            }
            // five failures cost nothing: the whole $0.08 of the day is still there
            answerImages(0);
            assertEquals(200, rest.rest("works 1").httpStatus());
            assertEquals(200, rest.rest("works 2").httpStatus());
            JsonNode usage = usage("boss-secret", "group_by=key&key=periodic&from=2026-12-20&to=2026-12-20");
            assertEquals(7, usage.path("total").path("requests").asLong(), "failed calls that reached the provider have rows");
            assertEquals(0.08, usage.path("total").path("cost_usd").asDouble(), 1e-9);
        } finally {
            clock.set(START);
            rest.close();
        }
    }

    @Test
    void aRequestDearerThanTheWholeBudgetSaysSoRatherThanWhenItResets() throws Exception {
        HttpResponse<String> refused = openAi("tiny-secret", "priced-4c");
        assertEquals(429, refused.statusCode());
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertEquals("insufficient_quota", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("may cost up to $0.04, more than the whole budget of $0.03 per day"),
                error.path("message").asText());
        assertEquals(0, upstreamCalls());
    }

    @Test
    void aCallerSendingOneRequestIdTwiceGetsTwoRows() throws Exception {
        answerImages(0);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/generate"))
                    .header("Content-Type", "application/json").header("X-API-KEY", "retrier-secret")
                    .header("X-Request-Id", "client-retry-1").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"again\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reply.statusCode());
        }
        JsonNode usage = usage("boss-secret", "group_by=key&key=retrier");
        assertEquals(2, usage.path("total").path("requests").asLong(), "both paid calls are in the ledger");
        assertEquals(0.08, usage.path("total").path("cost_usd").asDouble(), 1e-9);
    }

    private void assertSpent(String key, String usd, int requests) throws Exception {
        JsonNode usage = usage("boss-secret", "group_by=day&key=" + key);
        assertEquals(requests, usage.path("total").path("requests").asLong(), key + " requests");
        assertEquals(usd, usage.path("total").path("cost_usd").decimalValue().toPlainString().replaceAll("0+$", "").replaceAll("\\.$", ""),
                key + " spent");
        JsonNode budget = usage.path("budgets").get(0);
        assertEquals(key, budget.path("key").asText());
        assertEquals(0.0, budget.path("remaining_usd").asDouble(), 1e-9);
    }

    JsonNode usage(String key, String query) throws Exception {
        HttpResponse<String> response = usageResponse(key, query);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    HttpResponse<String> usageResponse(String key, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/api/usage?" + query))
                .header("X-API-KEY", key).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> openAi(String key, String model) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", model, "prompt", "a red kite"));
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
