package dev.imagegateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The real gateway jar in its own JVM, as a user runs it, with what the benchmark reads off it. */
final class GatewayProcess implements AutoCloseable {

    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    final int grpcPort;
    final int httpPort;
    final long startToReadyMs;
    private final Process process;
    private final Path workDir;
    private final Path gcLog;
    private final Path imagesDir;

    GatewayProcess(Path jar, String xmx, int upstreamPort, String key, Path workDir) throws Exception {
        this.workDir = workDir;
        this.grpcPort = freePort();
        this.httpPort = freePort();
        this.gcLog = workDir.resolve("gc.log");
        // BENCH_IMAGES_DIR puts the saved images elsewhere (e.g. /dev/shm, to take the disk out of the picture)
        String imagesRoot = System.getenv("BENCH_IMAGES_DIR");
        this.imagesDir = Files.createDirectories(imagesRoot == null || imagesRoot.isBlank()
                ? workDir.resolve("images") : Files.createTempDirectory(Path.of(imagesRoot), "bench-images"));
        Path log = workDir.resolve("gateway.log");
        // the launch the README gives: exit on an OutOfMemoryError rather than limp on; small thread stacks
        List<String> command = new ArrayList<>(List.of("java", "-Xmx" + xmx, "-XX:+ExitOnOutOfMemoryError", "-Xss512k",
                "-Xlog:gc:file=" + gcLog));
        // extra JVM options for the gateway, e.g. a JFR recording: BENCH_GATEWAY_OPTS="-XX:StartFlightRecording=..."
        String extra = System.getenv("BENCH_GATEWAY_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("OPENAI_API_KEY", "sk-benchmark");
        env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + upstreamPort + "/v1");
        env.put("API_SECRET_KEY", key);
        // the simulator serves images only, not the model list the model watch reads
        env.put("MODELS_WATCH_ENABLED", "false");
        env.put("GRPC_PORT", Integer.toString(grpcPort));
        env.put("HTTP_PORT", Integer.toString(httpPort));
        env.put("IMAGES_DIR", imagesDir.toString());
        env.put("INBOX_DIR", "");
        long start = System.nanoTime();
        process = builder.start();
        awaitReady(log);
        startToReadyMs = (System.nanoTime() - start) / 1_000_000;
    }

    private void awaitReady(Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway exited:\n" + Files.readString(log));
            }
            if (Files.exists(log) && Files.readString(log).contains("gRPC Server started on port " + grpcPort) && httpAnswers()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("gateway not ready in 60 s");
    }

    private boolean httpAnswers() {
        try (var socket = new java.net.Socket("127.0.0.1", httpPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** CPU time (user + system) the gateway has used, in milliseconds. */
    long cpuMs() throws IOException {
        if (!process.isAlive()) {
            // the row is lost; say why, from the gateway's own last words (an OutOfMemoryError exits the process)
            List<String> lines = Files.readAllLines(workDir.resolve("gateway.log"));
            throw new IllegalStateException("the gateway exited (code " + process.exitValue() + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1000 / 100; // USER_HZ is 100 on Linux
    }

    /** The gateway's threads now (-1 once it has gone). */
    int threads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    /** Why the gateway refused calls, from its metrics: {@code in-flight=12 memory=3}, or {@code -}. */
    String overloadRefusals() {
        try {
            java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/observe/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "(?m)^gateway_overload_refused_total\\{[^}]*reason=\"([^\"]+)\"[^}]*} ([0-9.E]+)$").matcher(metrics.body());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                long n = (long) Double.parseDouble(m.group(2));
                if (n > 0) {
                    out.append(out.length() == 0 ? "" : " ").append(m.group(1)).append('=').append(n);
                }
            }
            return out.length() == 0 ? "-" : out.toString();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "?";
        }
    }

    /** Peak resident memory since start, in MiB. */
    long peakRssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** The most heap in use before any collection, from the GC log, in MiB. */
    long peakHeapMiB() throws IOException {
        long peak = 0;
        if (Files.exists(gcLog)) {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_LINE.matcher(line);
                if (m.find()) {
                    peak = Math.max(peak, Long.parseLong(m.group(1)));
                }
            }
        }
        return peak;
    }

    long imagesSaved() throws IOException {
        try (Stream<Path> files = Files.list(imagesDir)) {
            return files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private static int freePort() throws IOException {
        return dev.imagegateway.TestPorts.free();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        for (Path dir : List.of(imagesDir, workDir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
