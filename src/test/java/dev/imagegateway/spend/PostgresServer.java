package dev.imagegateway.spend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real PostgreSQL server for the integration tests: Debian's {@code postgresql} package (initdb and pg_ctl from
 * /usr/lib/postgresql/VERSION/bin), a throwaway cluster on a free loopback port, started once per test JVM and stopped
 * when it exits; each test class gets its own database. Without the package the tests are skipped, unless
 * {@code REQUIRE_POSTGRES=1} (set by CI) makes that a failure.
 */
public final class PostgresServer {

    private static PostgresServer shared;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** A new, empty database on the shared server: its postgresql:// URL. */
    public static synchronized String newDatabase() throws Exception {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared.createDatabase();
    }

    /** A server of the test's own, to stop and start again (an outage); stopped when the JVM exits at the latest. */
    public static PostgresServer own() throws Exception {
        PostgresServer server = start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        return server;
    }

    /** A new, empty database on this server: its postgresql:// URL. */
    public String createDatabase() throws Exception {
        String name = "gateway_test_" + DATABASES.incrementAndGet();
        try (var connection = DriverManager.getConnection(jdbcUrl("postgres"), "gateway", "");
             var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return "postgresql://gateway:unused@127.0.0.1:" + port + "/" + name;
    }

    /** The server goes away at once, as a crash would take it. */
    public void halt() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
    }

    /** The server back, on the same port and data. */
    public void resume() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start"));
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Skips the calling test when PostgreSQL is not installed (fails it under REQUIRE_POSTGRES=1). */
    public static void assumeInstalled() throws IOException {
        if (findBin() == null) {
            if ("1".equals(System.getenv("REQUIRE_POSTGRES"))) {
                fail("REQUIRE_POSTGRES=1 but PostgreSQL is not installed (apt-get install postgresql)");
            }
            Assumptions.abort("PostgreSQL is not installed (apt-get install postgresql): its integration tests are skipped");
        }
    }

    private static PostgresServer start() throws Exception {
        assumeInstalled();
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("gateway-pg");
        int port = dev.imagegateway.TestPorts.free();
        PostgresServer server = new PostgresServer(bin, dir, port, root);
        if (root) {
            // PostgreSQL refuses to run as root: its cluster belongs to the package's postgres user
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
        }
        server.pg(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "gateway",
                "-A", "trust", "--no-sync", "-E", "UTF8"));
        server.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start"));
        return server;
    }

    private void stop() {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (Exception e) {
            System.err.println("PostgreSQL test server not stopped cleanly: " + e.getMessage());
        }
    }

    private void pg(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, true);
    }

    private static void run(List<String> command, boolean check) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(90, TimeUnit.SECONDS) || check && process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static Path findBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(Path::toString)).orElse(null);
        }
    }
}
