package dev.imagegateway.scale;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.imagegateway.spend.PostgresServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the scale-out drill's script (bench/scale-out-drill.sh) as a user would, with this build's classes: Kafka, S3Proxy,
 * PostgreSQL and two gateways, a 60-line batch through a kill -9, then a shared budget (see {@link ScaleOutDrill}).
 */
class ScaleOutDrillTest {

    @Test
    void theDrillPasses() throws Exception {
        PostgresServer.assumeInstalled();
        Path log = Files.createTempFile("scale-out-drill", ".log");
        // this JVM's classpath with absolute entries: the gateways the drill starts run in folders of their own
        String classpath = String.join(java.io.File.pathSeparator, java.util.Arrays.stream(System.getProperty("java.class.path")
                .split(java.io.File.pathSeparator)).map(entry -> Path.of(entry).toAbsolutePath().toString()).toList());
        ProcessBuilder drill = new ProcessBuilder(List.of("bash", "bench/scale-out-drill.sh")).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        drill.environment().put("SCALE_OUT_DRILL_CLASSPATH", classpath);
        Process process = drill.start();
        boolean ended = process.waitFor(6, TimeUnit.MINUTES);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertTrue(ended, "the drill ended within 6 minutes:\n" + output);
        assertEquals(0, process.exitValue(), output);
        String results = String.join("\n", output.lines().filter(l -> l.startsWith("[drill]") || l.startsWith("PASS")).toList());
        System.out.println(results);
        assertTrue(results.contains("bucket: 60 images, each with .meta/<name>.json"), results);
        assertTrue(results.contains("ledger: 60 inbox rows"), results);
        assertTrue(results.contains("40 served, 60 insufficient_quota"), results);
        assertTrue(output.contains("PASS scale-out drill"), output);
    }
}
