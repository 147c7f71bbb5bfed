package dev.imagegateway.launch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers for tests that run the gateway in its own JVM (to kill it, to watch it die, or to run two). */
public final class ChildGateway {

    private ChildGateway() {
    }

    /** Ready, not merely listening: the HTTP server opens its port before the routes behind it have started. */
    public static void awaitReady(Process process, int port, Path log) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            assertTrue(process.isAlive(), () -> "the gateway started: " + read(log));
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        assertNotNull(null, "the gateway was ready within 60 s: " + read(log));
    }

    public static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    public static int freePort() throws java.io.IOException {
        return dev.imagegateway.TestPorts.free();
    }

    /**
     * Starts the gateway (this build's classes) in its own JVM in {@code work}, with the environment of the caller's
     * choosing on top of a clean one (no OPENAI_, API_ or DATABASE_ variable of the developer's leaks in), and waits
     * until it is ready. {@code env} must set HTTP_PORT.
     */
    public static Process start(Path work, String logName, java.util.Map<String, String> env) throws Exception {
        java.util.List<String> command = java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.imagegateway.Application");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(logName).toFile());
        java.util.Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("OPENAI_") || name.startsWith("API_") || name.startsWith("DATABASE_")
                || name.startsWith("IMAGES_") || name.startsWith("IMAGE_"));
        environment.put("GRPC_PORT", Integer.toString(freePort()));
        environment.put("INBOX_DIR", "");
        environment.put("MODELS_WATCH_ENABLED", "false");
        environment.putAll(env);
        Process process = builder.start();
        awaitReady(process, Integer.parseInt(env.get("HTTP_PORT")), work.resolve(logName));
        return process;
    }
}
