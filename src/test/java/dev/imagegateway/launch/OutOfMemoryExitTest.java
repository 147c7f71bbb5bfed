package dev.imagegateway.launch;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * If an OutOfMemoryError happens at all, the process exits (so a supervisor restarts it) rather than limping on with
 * dead threads. The gateway is started in its own JVM with the JVM options of the README's run command and a tiny
 * heap, its memory guards turned off, and fed an upstream reply larger than the heap: it must die with exit code 3.
 */
class OutOfMemoryExitTest {

    private static final Pattern RUN_COMMAND = Pattern.compile("java((?: -\\S+)*) -jar target/image-gateway\\.jar\\s*$",
            Pattern.MULTILINE);

    @Test
    void anOutOfMemoryErrorEndsTheProcess() throws Exception {
        Matcher run = RUN_COMMAND.matcher(Files.readString(Path.of("README.md")));
        assertTrue(run.find(), "the README gives a run command");
        List<String> jvmOptions = List.of(run.group(1).trim().split("\\s+"));
        assertTrue(jvmOptions.contains("-XX:+ExitOnOutOfMemoryError"), "the run command exits on an OutOfMemoryError: " + jvmOptions);

        Vertx vertx = Vertx.vertx();
        Path work = Files.createTempDirectory("oom-exit");
        Process gateway = null;
        try {
            // an upstream whose reply (announced as 200 MB) is more than the whole heap
            HttpServer upstream = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                var response = request.response().putHeader("Content-Type", "application/json")
                        .putHeader("Content-Length", Integer.toString(200_000_000));
                response.write(Buffer.buffer("{\"created\":1,\"data\":[{\"b64_json\":\"" + "A".repeat(1 << 20)));
            })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();

            int httpPort = ChildGateway.freePort();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            // last wins: a heap far smaller than the reply
            command.addAll(List.of("-Xmx64m", "-cp", System.getProperty("java.class.path"), "dev.imagegateway.Application"));
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("gateway.log").toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("OPENAI_") || name.startsWith("API_"));
            env.put("OPENAI_API_KEY", "sk-test");
            env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + upstream.actualPort() + "/v1");
            env.put("API_SECRET_KEY", "oom-key");
            env.put("HTTP_PORT", Integer.toString(httpPort));
            env.put("GRPC_PORT", Integer.toString(ChildGateway.freePort()));
            env.put("IMAGES_DIR", work.resolve("images").toString());
            env.put("INBOX_DIR", "");
            env.put("MODELS_WATCH_ENABLED", "false");
            env.put("UPSTREAM_RETRIES", "0");
            // the guards that would refuse this reply, turned off
            env.put("UPSTREAM_MAX_REPLY_BYTES", "1000000000");
            env.put("MEMORY_REPLY_BUDGET_BYTES", "1000000000");
            gateway = builder.start();
            ChildGateway.awaitReady(gateway, httpPort, work.resolve("gateway.log"));

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String answer;
            try {
                answer = "HTTP " + client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/generate"))
                        .timeout(Duration.ofSeconds(60)).header("X-API-KEY", "oom-key").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"too big\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException expected) {
                // the process died under the call
                answer = expected.toString();
            }
            String called = answer;
            assertTrue(gateway.waitFor(60, TimeUnit.SECONDS), () -> "the process exits; the call got " + called + "\n" + ChildGateway.read(work.resolve("gateway.log")));
            String log = Files.readString(work.resolve("gateway.log"));
            assertEquals(3, gateway.exitValue(), log);
            assertTrue(log.contains("Terminating due to java.lang.OutOfMemoryError"), log);
        } finally {
            if (gateway != null) {
                gateway.destroyForcibly();
            }
            vertx.close();
        }
    }
}
