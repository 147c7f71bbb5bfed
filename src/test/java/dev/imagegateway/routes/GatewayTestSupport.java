package dev.imagegateway.routes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.imagegateway.config.GatewayBootstrap;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Starts the real gateway (the routes in routes/, application.properties, the same bootstrap as the jar) once
 * per test class, on free ports, with a temporary images folder. Subclasses add their own properties.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatewayTestSupport extends CamelMainTestSupport {

    protected static final String KEY = "test-key-1";
    protected static final String SECOND_KEY = "test-key-2";

    // CamelTestSupport asks for the properties from its constructor, before instance fields exist: ports are
    // chosen per test class, outside the instance
    private static final Map<Class<?>, int[]> PORTS = new ConcurrentHashMap<>();

    protected final int grpcPort() {
        return ports()[0];
    }

    protected final int httpPort() {
        return ports()[1];
    }

    private int[] ports() {
        return PORTS.computeIfAbsent(getClass(),
                c -> new int[] {dev.imagegateway.TestPorts.free(), dev.imagegateway.TestPorts.free()});
    }

    /** The gateway's Prometheus scrape, as /observe/metrics serves it. */
    protected final String metricsText() throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + httpPort() + "/observe/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of one series (name and labels exactly as scraped) in {@code metrics}; 0 when it is absent. */
    protected static double metricValue(String metrics, String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " ([0-9.E]+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    protected final Path imagesDir = imagesFolder();
    protected final Path inboxDir = createTempDir();
    protected final Path dataDir = createTempDir();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext context) {
                // the developer's own environment (an exported OPENAI_API_KEY, say) must not steer the tests
                ((PropertiesComponent) context.getPropertiesComponent())
                        .setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
                context.getPropertiesComponent().addOverrideProperty("images.dir", imagesDir.toString());
                context.getPropertiesComponent().addOverrideProperty("inbox.dir", inboxDir.toString());
                context.getPropertiesComponent().addOverrideProperty("data.dir", dataDir.toString());
            }
        });
        GatewayBootstrap.install(configuration, dotEnvFile());
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("grpc.port", Integer.toString(grpcPort()));
        p.setProperty("http.port", Integer.toString(httpPort()));
        p.setProperty("api.secret-key", KEY + ", " + SECOND_KEY);
        // the model watch calls the upstream on its own timer: on only where a test is about it
        p.setProperty("models.watch-enabled", "false");
        // tests send wrong keys on purpose: only AuthThrottleTest is about throttling them
        p.setProperty("auth.failures-burst", "100000");
        p.putAll(gatewayProperties());
        return p;
    }

    /** The per-class context manager leaves the context running: stop it, so its ports and threads go. */
    @AfterAll
    void stopGateway() {
        // null when the class was skipped before the gateway started (no Chromium for the browser test)
        if (context != null) {
            context.stop();
        }
    }

    /** The seed's {@code .env} file the gateway reads, or null for none. */
    protected Path dotEnvFile() {
        return null;
    }

    /** Properties of the gateway under test beyond ports and keys. */
    protected abstract Properties gatewayProperties();

    protected String restUrl() {
        return "http://localhost:" + httpPort() + "/generate";
    }

    /**
     * Waits until no wiretapped save is in flight (and none started for a short while), so what is on disk is
     * final: a tapped exchange may reach its route a moment after the reply went out.
     */
    protected void awaitSavesDone() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        long quietSince = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline && System.currentTimeMillis() - quietSince < 100) {
            if (context.getInflightRepository().size("save-image") > 0) {
                quietSince = System.currentTimeMillis();
            }
            Thread.sleep(5);
        }
    }

    /** The saved image of a reply, once its save has finished. */
    protected Path savedImage(String filename) throws Exception {
        Path file = imagesDir.resolve(filename);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(file) && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        awaitSavesDone();
        return file;
    }

    /** The images on disk once every save in flight has finished. */
    protected List<Path> savedImages() throws Exception {
        awaitSavesDone();
        return listImages();
    }

    protected List<Path> listImages() throws IOException {
        try (Stream<Path> s = Files.list(imagesDir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    protected void clearImages() throws Exception {
        awaitSavesDone();
        // children before their folders (.meta/ holds a file per image)
        try (Stream<Path> s = Files.walk(imagesDir)) {
            for (Path p : s.filter(p -> !p.equals(imagesDir)).sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    protected static int[] pngSize(byte[] png) throws IOException {
        var image = ImageIO.read(new ByteArrayInputStream(png));
        return new int[] {image.getWidth(), image.getHeight()};
    }

    /** The images folder of the gateway under test: a fresh temporary folder unless a test needs another. */
    protected Path imagesFolder() {
        return createTempDir();
    }

    protected static Path createTempDir() {
        try {
            return Files.createTempDirectory("gateway-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
