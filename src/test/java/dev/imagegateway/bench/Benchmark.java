package dev.imagegateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The gateway benchmark: the real jar against a simulated upstream of fixed latency, driven over gRPC and REST,
 * one protocol at a time, on this one machine. Run it with {@code bench/run.sh}; options:
 * {@code --latency-ms 1000 --duration-s 15 --warmup-s 10 --concurrency 50,200 --cpu-bound-concurrency 50
 * --protocols grpc,rest,openai --xmx 1g --png-size 1024x1024 --jar target/image-gateway.jar}.
 */
public final class Benchmark {

    private static final String KEY = "benchmark-key";

    private record Case(String protocol, long latencyMs, int concurrency) {
    }

    private record Row(Case c, LoadResult load, double okPerSecond, int upstreamMaxInFlight, long rssMiB, long heapMiB,
                       double cpuMsPerRequest, long startMs, long imagesSaved, int peakThreads, String refusals) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        long latency = Long.parseLong(options.getOrDefault("latency-ms", "1000"));
        long durationMs = Long.parseLong(options.getOrDefault("duration-s", "15")) * 1000;
        long warmupMs = Long.parseLong(options.getOrDefault("warmup-s", "10")) * 1000;
        String xmx = options.getOrDefault("xmx", "1g");
        Path jar = Path.of(options.getOrDefault("jar", "target/image-gateway.jar"));
        List<String> protocols = List.of(options.getOrDefault("protocols", "grpc,rest,openai").split(","));
        List<Case> cases = new ArrayList<>();
        for (String c : options.getOrDefault("concurrency", "50,200").split(",")) {
            for (String protocol : protocols) {
                cases.add(new Case(protocol, latency, Integer.parseInt(c.trim())));
            }
        }
        String cpuBound = options.getOrDefault("cpu-bound-concurrency", "50");
        if (!cpuBound.equals("0")) {
            for (String protocol : protocols) {
                cases.add(new Case(protocol, 0, Integer.parseInt(cpuBound)));
            }
        }

        // the simulated upstream and the REST load each get their own event loop, so neither waits on the other
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Vertx upstreamVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        List<Row> rows = new ArrayList<>();
        // --png-size 3840x2160: a 4K image (about 12 MB of PNG at the default noise)
        String[] pngSize = options.getOrDefault("png-size", "1024x1024").split("x");
        try (UpstreamSimulator upstream = new UpstreamSimulator(upstreamVertx, latency,
                Integer.parseInt(options.getOrDefault("png-noise", Integer.toString(UpstreamSimulator.DEFAULT_NOISE))),
                Integer.parseInt(pngSize[0]), Integer.parseInt(pngSize[1]))) {
            System.out.printf(Locale.ROOT, "Upstream simulator: %d-byte PNG, %d-byte JSON reply%n",
                    upstream.pngBytes(), upstream.replyBytes());
            if (Boolean.parseBoolean(options.getOrDefault("calibrate", "false"))) {
                calibrate(upstream, vertx, latency, cases, warmupMs, durationMs);
                return;
            }
            for (Case c : cases) {
                upstream.latency(c.latencyMs());
                rows.add(run(c, upstream, vertx, jar, xmx, warmupMs, durationMs));
                System.out.println(format(rows.get(rows.size() - 1)));
            }
        } finally {
            vertx.close();
            upstreamVertx.close();
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Machine: %d cores, %s, Java %s; gateway -Xmx%s; %d s measured after %d s warm-up%n%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"), xmx,
                durationMs / 1000, warmupMs / 1000);
        System.out.println("| protocol | L ms | c | ok req/s | ÷ c/L | p50 ms | p90 ms | p99 ms | max ms | errors | upstream max in-flight | peak RSS MiB | peak heap MiB | CPU ms/req | start ms | peak threads | refused by (gateway_overload_refused_total) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(r -> System.out.println(format(r)));
    }

    private static Row run(Case c, UpstreamSimulator upstream, Vertx vertx, Path jar, String xmx, long warmupMs,
                           long durationMs) throws Exception {
        Path work = Files.createTempDirectory("bench-gateway");
        try (GatewayProcess gateway = new GatewayProcess(jar, xmx, upstream.port(), KEY, work)) {
            LoadDrivers.Caller caller = switch (c.protocol()) {
                case "grpc" -> new LoadDrivers.Grpc(gateway.grpcPort, KEY, grpcConnections(c.concurrency()));
                case "rest" -> new LoadDrivers.Rest(vertx, gateway.httpPort, KEY, c.concurrency());
                case "openai" -> new LoadDrivers.Rest(vertx, gateway.httpPort, KEY, c.concurrency(), "/v1/images/generations");
                default -> throw new IllegalArgumentException("Unknown protocol " + c.protocol() + "; grpc, rest or openai");
            };
            try {
                // the CPU and upstream counters cover the measured window only
                long[] cpuAtStart = new long[1];
                int[] peakThreads = {gateway.threads()};
                long sampler = vertx.setPeriodic(1000, id -> peakThreads[0] = Math.max(peakThreads[0], gateway.threads()));
                vertx.setTimer(Math.max(1, warmupMs), id -> {
                    upstream.takeMaxInFlight();
                    try {
                        cpuAtStart[0] = gateway.cpuMs();
                    } catch (java.io.IOException e) {
                        cpuAtStart[0] = -1;
                    }
                });
                LoadResult load = LoadDrivers.run(caller, c.concurrency(), warmupMs, durationMs);
                vertx.cancelTimer(sampler);
                long cpu = gateway.cpuMs() - cpuAtStart[0];
                String refusals = gateway.overloadRefusals();
                int maxInFlight = upstream.takeMaxInFlight();
                double okPerSecond = load.okCount() * 1000.0 / durationMs;
                int answered = load.okCount() + load.errors().values().stream().mapToInt(Integer::intValue).sum();
                return new Row(c, load, okPerSecond, maxInFlight, gateway.peakRssMiB(), gateway.peakHeapMiB(),
                        answered == 0 ? 0 : (double) cpu / answered, gateway.startToReadyMs, gateway.imagesSaved(),
                        peakThreads[0], refusals);
            } finally {
                ((AutoCloseable) caller).close();
            }
        }
    }

    /** The load generator straight against the simulated upstream, no gateway: what the harness itself reaches. */
    private static void calibrate(UpstreamSimulator upstream, Vertx vertx, long latency, List<Case> cases, long warmupMs,
                                  long durationMs) throws Exception {
        for (Case c : cases) {
            upstream.latency(c.latencyMs());
            try (LoadDrivers.Rest direct = new LoadDrivers.Rest(vertx, upstream.port(), KEY, c.concurrency(), "/v1/images/generations")) {
                LoadResult load = LoadDrivers.run(direct, c.concurrency(), warmupMs, durationMs);
                System.out.printf(Locale.ROOT, "calibration, no gateway: L=%d c=%d: %.1f req/s, p50 %d ms, p99 %d ms, errors %s%n",
                        c.latencyMs(), c.concurrency(), load.okCount() * 1000.0 / durationMs, load.percentile(50),
                        load.percentile(99), load.errors());
            }
        }
    }

    /**
     * One HTTP/2 connection per ten callers (at most 32; -Dbench.grpc.connections=N to choose): two hundred callers
     * are many clients, and two hundred 2 MB replies through one connection's flow-control window wait behind each
     * other (p90 14.6 s over 8 connections at c=200, 3.3 s over 20).
     */
    private static int grpcConnections(int concurrency) {
        return Integer.getInteger("bench.grpc.connections", Math.max(1, Math.min(32, concurrency / 10)));
    }

    private static String format(Row r) {
        Case c = r.c();
        String ratio = c.latencyMs() == 0 ? "—" : String.format(Locale.ROOT, "%.1f %%",
                100.0 * r.okPerSecond() / (c.concurrency() * 1000.0 / c.latencyMs()));
        String errors = r.load().errors().isEmpty() ? "0" : r.load().errors().toString();
        return String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %s | %d | %d | %d | %d | %s | %d | %d | %d | %.1f | %d | %d | %s |",
                c.protocol(), c.latencyMs(), c.concurrency(), r.okPerSecond(), ratio, r.load().percentile(50),
                r.load().percentile(90), r.load().percentile(99), r.load().max(), errors, r.upstreamMaxInFlight(),
                r.rssMiB(), r.heapMiB(), r.cpuMsPerRequest(), r.startMs(), r.peakThreads(), r.refusals());
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (java.io.IOException e) {
            return "unknown CPU";
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
