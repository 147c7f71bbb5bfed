package dev.imagegateway.routes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.imagegateway.config.GatewayBootstrap;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.test.AvailablePortFinder;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.TestInstance;

/**
 * Starts the real gateway (the routes in routes/, application.properties, the same bootstrap as the jar) once
 * per test class, on free ports, with a temporary images folder. Subclasses add their own properties.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatewayTestSupport extends CamelMainTestSupport {

    protected static final String KEY = "test-key-1";
    protected static final String SECOND_KEY = "test-key-2";

    // static: CamelTestSupport asks for the properties from its constructor, before instance fields exist
    protected static final int GRPC_PORT = AvailablePortFinder.getNextAvailable();
    protected static final int HTTP_PORT = AvailablePortFinder.getNextAvailable();

    protected final Path imagesDir = createTempDir();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport main) {
                // the developer's own environment (an exported OPENAI_API_KEY, say) must not steer the tests
                ((org.apache.camel.component.properties.PropertiesComponent) main.getCamelContext().getPropertiesComponent())
                        .setEnvironmentVariableMode(
                                org.apache.camel.component.properties.PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
                main.getCamelContext().getPropertiesComponent().addOverrideProperty("images.dir", imagesDir.toString());
            }
        });
        GatewayBootstrap.install(configuration, null);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("grpc.port", Integer.toString(GRPC_PORT));
        p.setProperty("http.port", Integer.toString(HTTP_PORT));
        p.setProperty("api.secret-key", KEY + ", " + SECOND_KEY);
        p.putAll(gatewayProperties());
        return p;
    }

    /** Properties of the gateway under test beyond ports and keys. */
    protected abstract Properties gatewayProperties();

    protected String restUrl() {
        return "http://localhost:" + HTTP_PORT + "/generate";
    }

    /** The images saved so far, waiting briefly for the wiretap to finish writing. */
    protected List<Path> savedImages(int atLeast) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        List<Path> files = listImages();
        while (files.size() < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            files = listImages();
        }
        return files;
    }

    protected List<Path> listImages() throws IOException {
        try (Stream<Path> s = Files.list(imagesDir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    protected void clearImages() throws IOException {
        try (Stream<Path> s = Files.list(imagesDir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    protected static int[] pngSize(byte[] png) throws IOException {
        var image = ImageIO.read(new ByteArrayInputStream(png));
        return new int[] {image.getWidth(), image.getHeight()};
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("gateway-images");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
