package dev.imagegateway.scale;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegateway.launch.ChildGateway;
import dev.imagegateway.routes.UpstreamStub;
import dev.imagegateway.spend.PostgresServer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/**
 * The scale-out drill (bench/scale-out-drill.sh; ScaleOutDrillTest runs it in CI): Kafka (a KRaft broker), S3Proxy and
 * PostgreSQL, each a real server on loopback, and two gateway instances sharing them in front of one OpenAI stub. A
 * 60-line prompt file goes into instance A's inbox; A is killed with SIGKILL once about 15 images are in the bucket.
 * Then: all 60 images are in the bucket exactly once with their metadata, the report (written by B) lists 60 lines,
 * the ledger has 60 inbox rows, and B's gallery lists every image. A is started again, and 100 concurrent REST calls
 * spread over both with a key whose budget covers 40 images: exactly 40 are served, 60 get insufficient_quota.
 * Prints what it measured; exits 1 with the reason when a check fails.
 */
public final class ScaleOutDrill {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "drill-images";
    private static final int LINES = 60;
    private static final String FILE = "drill-60.txt";

    private ScaleOutDrill() {
    }

    public static void main(String[] args) {
        try {
            run();
            System.out.println("PASS scale-out drill");
            System.exit(0);
        } catch (Throwable e) {
            System.out.println("FAIL scale-out drill: " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    static void run() throws Exception {
        long begun = System.currentTimeMillis();
        String database = PostgresServer.newDatabase();
        say("PostgreSQL: " + database.replaceAll("//[^@]*@", "//"));
        UpstreamStub upstream = new UpstreamStub();
        ExecutorService pool = Executors.newFixedThreadPool(100);
        Map<String, Process> gateways = new HashMap<>();
        try (KafkaBroker kafka = KafkaBroker.start(); S3ProxyServer s3 = S3ProxyServer.start()) {
            say("Kafka " + kafka.bootstrap() + ", S3Proxy " + s3.endpoint());
            s3.createBucket(BUCKET);
            // each image takes the stub a second: the kill falls while lines are in flight on both instances
            upstream.answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(1000)
                    .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(UpstreamStub.png(64, 64)))));
            Path work = Files.createTempDirectory("scale-out-drill");
            Path models = SharedInstance.pricedModels(work);
            Path keys = Files.writeString(work.resolve("keys.txt"), "team:team-secret budget_day=1.60\n");
            Map<String, Integer> ports = Map.of("a", ChildGateway.freePort(), "b", ChildGateway.freePort());
            Map<String, Map<String, String>> envs = new HashMap<>();
            for (String name : List.of("a", "b")) {
                Path home = Files.createDirectories(work.resolve("instance-" + name));
                Map<String, String> env = SharedInstance.env(home, ports.get(name), keys, models, upstream, database, s3, BUCKET);
                env.put("INSTANCE_ID", "instance-" + name);
                // a line is taken over 20 s after its instance claimed it: past its call's deadline and its save's
                env.put("UPSTREAM_ATTEMPT_TIMEOUT_MS", "10000");
                env.put("UPSTREAM_CALL_TIMEOUT_MS", "10000");
                env.put("IMAGES_SAVE_TIMEOUT_MS", "5000");
                env.put("INBOX_LINE_LEASE_MS", "20000");
                env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
                env.put("KAFKA_BOOTSTRAP", kafka.bootstrap());
                env.put("INBOX_DIR", home.resolve("inbox").toString());
                env.put("INBOX_CONCURRENCY", "4");
                env.put("INBOX_POLL_MS", "200");
                env.put("INBOX_MIN_AGE_MS", "200");
                envs.put(name, env);
            }
            // both at once: each takes a few seconds to start
            Map<String, Future<Process>> starting = new HashMap<>();
            for (String name : List.of("a", "b")) {
                Path home = work.resolve("instance-" + name);
                starting.put(name, pool.submit(() -> ChildGateway.start(home, "gateway.log", envs.get(name))));
            }
            for (String name : List.of("a", "b")) {
                gateways.put(name, starting.get(name).get());
            }
            HttpClient http = HttpClient.newBuilder().executor(pool).build();
            awaitReady(http, ports.values());
            say("two instances ready after " + (System.currentTimeMillis() - begun) + " ms");

            // the 60-line file into A's inbox (written aside, then moved in whole)
            Path inboxA = work.resolve("instance-a").resolve("inbox");
            StringBuilder prompts = new StringBuilder();
            for (int i = 1; i <= LINES; i++) {
                prompts.append("drill prompt ").append(i).append('\n');
            }
            Path part = Files.writeString(inboxA.resolve(FILE + ".part"), prompts);
            long dropped = System.currentTimeMillis();
            Files.move(part, inboxA.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);

            // kill -9 of A once about 15 images are in the bucket
            while (images(s3).size() < 15) {
                check(System.currentTimeMillis() - dropped < 120_000, "15 images within 2 minutes of the drop: "
                        + images(s3).size() + "\n" + ChildGateway.read(work.resolve("instance-a").resolve("gateway.log")));
                Thread.sleep(20);
            }
            Process a = gateways.remove("a");
            a.destroyForcibly(); // SIGKILL
            a.waitFor();
            int atKill = images(s3).size();
            say("instance A killed (SIGKILL) " + (System.currentTimeMillis() - dropped) + " ms after the drop, with "
                    + atKill + " images in the bucket");

            // B finishes the batch, A's lines included, and writes the report
            int portB = ports.get("b");
            JsonNode report = null;
            while (report == null) {
                check(System.currentTimeMillis() - dropped < 180_000, "the report within 3 minutes of the drop\n"
                        + ChildGateway.read(work.resolve("instance-b").resolve("gateway.log")));
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portB
                        + "/api/batches?file=" + FILE + "&limit=1000")).header("X-API-KEY", "operator-key").build(),
                        HttpResponse.BodyHandlers.ofString());
                if (page.statusCode() == 200) {
                    report = JSON.readTree(page.body()).path("report");
                } else {
                    Thread.sleep(250);
                }
            }
            long finished = System.currentTimeMillis() - dropped;
            JsonNode totals = report.path("totals");
            say("report: " + totals + " (" + finished + " ms after the drop)");
            check(totals.path("lines").asInt() == LINES && totals.path("succeeded").asInt() == LINES
                    && totals.path("failed").asInt() == 0, "the report's totals: 60 lines, 60 succeeded: " + totals);
            check(report.path("lines").size() == LINES && report.path("lines_total").asInt() == LINES,
                    "the report lists 60 lines: " + report.path("lines").size());
            Set<String> reported = new HashSet<>();
            Set<Integer> numbers = new HashSet<>();
            for (JsonNode line : report.path("lines")) {
                reported.add(line.path("filename").asText());
                numbers.add(line.path("line").asInt());
            }
            check(numbers.size() == LINES && reported.size() == LINES, "60 lines, each with its own image: " + reported.size());
            check(Files.isRegularFile(work.resolve("instance-b").resolve("inbox").resolve(".done").resolve(FILE + ".report.json")),
                    "B wrote the report into its .done/");

            // the bucket: exactly those 60 images, each with its metadata
            Set<String> inBucket = images(s3);
            check(inBucket.equals(reported), "the bucket holds exactly the 60 reported images: " + inBucket.size()
                    + " objects, " + difference(inBucket, reported));
            for (String image : reported) {
                check(Files.isRegularFile(s3.bucketFolder(BUCKET).resolve(".meta").resolve(image + ".json")),
                        "metadata of " + image + " in the bucket");
            }
            say("bucket: " + inBucket.size() + " images, each with .meta/<name>.json");

            // the ledger: one row per line, wherever and however often it was generated
            String jdbc = "jdbc:postgresql://" + database.substring(database.indexOf('@') + 1);
            try (var connection = DriverManager.getConnection(jdbc, "gateway", "");
                 var rows = connection.createStatement().executeQuery(
                         "SELECT COUNT(*), COUNT(DISTINCT entry_id), COALESCE(SUM(images), 0), COALESCE(SUM(cost_usd), 0) "
                                 + "FROM usage_ledger WHERE door = 'inbox'")) {
                rows.next();
                say("ledger: " + rows.getLong(1) + " inbox rows, " + rows.getLong(3) + " images paid for, $" + rows.getBigDecimal(4));
                check(rows.getLong(1) == LINES && rows.getLong(2) == LINES, "60 ledger rows for the 60 lines: " + rows.getLong(1));
            }

            // the survivor's gallery lists every image
            Set<String> listed = new HashSet<>();
            for (JsonNode image : get(http, portB, "/api/images?limit=100").path("images")) {
                listed.add(image.path("filename").asText());
            }
            check(listed.equals(reported), "B's gallery lists the 60 images: " + listed.size());

            // A again, then 100 concurrent calls over both with a budget of 40 images
            gateways.put("a", ChildGateway.start(work.resolve("instance-a"), "gateway-restarted.log", envs.get("a")));
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            List<Integer> both = List.of(ports.get("a"), portB);
            for (int i = 0; i < 100; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + both.get(i % 2) + "/generate"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("X-API-KEY", "team-secret")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"budget " + i + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int quota = 0;
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get();
                if (response.statusCode() == 200) {
                    ok++;
                } else if (response.statusCode() == 429 && response.body().contains("Budget of $1.60 per day for key 'team'")) {
                    // the REST door's form of insufficient_quota (the seed's {"error": "..."})
                    quota++;
                }
            }
            say("100 concurrent calls over both instances, budget for 40: " + ok + " served, " + quota + " insufficient_quota");
            check(ok == 40 && quota == 60, "exactly 40 served and 60 insufficient_quota");
            say("drill took " + (System.currentTimeMillis() - begun) + " ms");
        } finally {
            for (Process gateway : gateways.values()) {
                gateway.destroy();
            }
            for (Process gateway : gateways.values()) {
                gateway.waitFor();
            }
            pool.shutdownNow();
            upstream.stop();
        }
    }

    /** The images at the top of the bucket (S3Proxy's filesystem backend keeps each object as a file). */
    private static Set<String> images(S3ProxyServer s3) throws java.io.IOException {
        try (Stream<Path> objects = Files.list(s3.bucketFolder(BUCKET))) {
            return objects.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && n.contains("."))
                    .collect(Collectors.toSet());
        }
    }

    private static void awaitReady(HttpClient http, java.util.Collection<Integer> ports) throws Exception {
        // ready includes the inbox queue: Kafka answers and the topic is there
        long deadline = System.currentTimeMillis() + 60_000;
        for (int port : ports) {
            while (true) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/observe/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    break;
                }
                check(System.currentTimeMillis() < deadline, "instance :" + port + " ready: " + health.body());
                Thread.sleep(200);
            }
        }
    }

    private static String difference(Set<String> a, Set<String> b) {
        Set<String> onlyA = new HashSet<>(a);
        onlyA.removeAll(b);
        Set<String> onlyB = new HashSet<>(b);
        onlyB.removeAll(a);
        return "only in the bucket " + onlyA + ", only in the report " + onlyB;
    }

    private static JsonNode get(HttpClient http, int port, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-KEY", "operator-key").build(), HttpResponse.BodyHandlers.ofString());
        check(response.statusCode() == 200, path + " answered " + response.statusCode() + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private static void say(String line) {
        System.out.println("[drill] " + line);
    }
}
