package dev.imagegateway.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * The real gateway in front of WireMock stand-ins for providers (one server per test class, every provider on its
 * own paths), with a model catalog written for the test class: its deployments point at the stub.
 */
public abstract class ProviderStubTestSupport extends GatewayTestSupport {

    // the gateway's properties are asked for from CamelTestSupport's constructor: the stub lives outside the instance
    private static final Map<Class<?>, WireMockServer> STUBS = new ConcurrentHashMap<>();

    protected final WireMockServer stub() {
        return STUBS.computeIfAbsent(getClass(), c -> {
            WireMockServer server = new WireMockServer(options().dynamicPort().containerThreads(40));
            server.start();
            return server;
        });
    }

    /** The stub's address, which {@code BASE} stands for in {@link #catalog()}. */
    protected final String base() {
        return "http://localhost:" + stub().port();
    }

    /** The model catalog of the gateway under test, {@code BASE} standing for the stub's address. */
    protected abstract String catalog();

    /** Settings beyond the catalog (keys its deployments refer to, retries...). */
    protected abstract void settings(Properties p);

    @Override
    protected final Properties gatewayProperties() {
        Properties p = new Properties();
        try {
            Path file = Files.createTempFile("models", ".yaml");
            Files.writeString(file, catalog().replace("BASE", base()));
            p.setProperty("models.file", file.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        settings(p);
        return p;
    }

    @AfterAll
    void stopStub() {
        stub().stop();
        STUBS.remove(getClass());
    }
}
