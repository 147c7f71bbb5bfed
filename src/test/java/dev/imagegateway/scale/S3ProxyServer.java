package dev.imagegateway.scale;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real S3 API server for the tests: S3Proxy (Maven Central's org.gaul:s3proxy jar-with-dependencies, copied to
 * target/s3proxy by the build) with its filesystem backend, in its own JVM on a free loopback port; stopped by
 * {@link #close()}.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "gateway-test";
    public static final String SECRET_KEY = "gateway-test-secret-0123456789";

    private final Process process;
    private final int port;
    private final Path dir;

    private S3ProxyServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static S3ProxyServer start() throws Exception {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar");
        assertTrue(Files.exists(jar), "the build copies S3Proxy to " + jar + " (mvn generate-test-resources)");
        Path dir = Files.createTempDirectory("s3proxy");
        Files.createDirectories(dir.resolve("data"));
        int port = dev.imagegateway.TestPorts.free();
        Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("data"),
                ""));
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toAbsolutePath().toString(), "--properties", dir.resolve("s3proxy.conf").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3ProxyServer server = new S3ProxyServer(process, port, dir);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy stopped: " + Files.readString(dir.resolve("s3proxy.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return server;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        server.close();
        throw new IllegalStateException("S3Proxy did not listen within 60 s: " + Files.readString(dir.resolve("s3proxy.log")));
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** A new bucket (a folder of the filesystem backend). */
    public void createBucket(String name) throws IOException {
        Files.createDirectories(dir.resolve("data").resolve(name));
    }

    /** The objects of a bucket, as the backend keeps them (for checking what the gateway wrote). */
    public Path bucketFolder(String name) {
        return dir.resolve("data").resolve(name);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
