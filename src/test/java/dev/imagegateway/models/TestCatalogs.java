package dev.imagegateway.models;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

/** The shipped catalog (the jar's models.yaml) and small ones written for a test, and clocks on given days. */
public final class TestCatalogs {

    /** The providers the gateway has: one route file each, routes/provider-<name>.yaml, as the bootstrap finds them. */
    public static final Set<String> PROVIDERS = providers();

    private static Set<String> providers() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("routes"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("provider-") && n.endsWith(".yaml"))
                    .map(n -> n.substring("provider-".length(), n.length() - 5)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TestCatalogs() {
    }

    public static ModelCatalogSource shipped() {
        return new ModelCatalogSource(null, PROVIDERS);
    }

    public static ModelCatalogSource of(String yaml) {
        return new ModelCatalogSource(ModelCatalogParser.parse(yaml, "test.yaml", PROVIDERS));
    }

    /** A clock standing on {@code day} at noon UTC. */
    public static Clock on(String day) {
        return Clock.fixed(LocalDate.parse(day).atTime(12, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    }
}
