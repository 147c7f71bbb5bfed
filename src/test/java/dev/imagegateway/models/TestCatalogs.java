package dev.imagegateway.models;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

/** The shipped catalog (the jar's models.yaml) and small ones written for a test, and clocks on given days. */
public final class TestCatalogs {

    public static final Set<String> PROVIDERS = Set.of("openai", "local");

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
