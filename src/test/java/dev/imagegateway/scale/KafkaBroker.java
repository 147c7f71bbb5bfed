package dev.imagegateway.scale;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker for the tests: Apache Kafka's own jars (org.apache.kafka:kafka_2.13 from Maven Central; the build
 * writes their classpath to target/kafka-broker.classpath), in KRaft mode (one node as broker and controller, no
 * ZooKeeper), formatted and started in its own JVM on free loopback ports as kafka-storage.sh and kafka-server-start.sh
 * would; stopped by {@link #close()}.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private KafkaBroker(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static KafkaBroker start() throws Exception {
        return start(dev.imagegateway.TestPorts.free());
    }

    /** A broker on the given port (a gateway configured with it before the broker was there). */
    public static KafkaBroker start(int port) throws Exception {
        Path classpathFile = Path.of("target", "kafka-broker.classpath");
        if (!Files.exists(classpathFile)) {
            throw new IllegalStateException("the build writes the broker's classpath to " + classpathFile + " (mvn generate-test-resources)");
        }
        String classpath = Files.readString(classpathFile).trim();
        Path dir = Files.createTempDirectory("kafka");
        int controller = dev.imagegateway.TestPorts.free();
        Path properties = Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // the gateway makes its topic; a typo elsewhere should not make one
                "auto.create.topics.enable=false",
                ""));
        String clusterId;
        do {
            byte[] id = new byte[16];
            new SecureRandom().nextBytes(id);
            clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
            // as Kafka's own Uuid.randomUuid: never one that starts with '-' (a command line would read it as an option)
        } while (clusterId.startsWith("-"));
        Process format = new ProcessBuilder(java(classpath, "kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId,
                "--config=" + properties)).redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("Formatting the broker's storage failed: " + Files.readString(dir.resolve("format.log")));
        }
        Process process = new ProcessBuilder(java(classpath, "kafka.Kafka", properties.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("kafka.log").toFile()).start();
        KafkaBroker broker = new KafkaBroker(process, port, dir);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The Kafka broker stopped: " + Files.readString(dir.resolve("kafka.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return broker;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        broker.close();
        throw new IllegalStateException("The Kafka broker did not listen within 60 s: " + Files.readString(dir.resolve("kafka.log")));
    }

    private static List<String> java(String classpath, String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", classpath, main));
        command.addAll(List.of(args));
        return command;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
