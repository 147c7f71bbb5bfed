package dev.imagegateway.models;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deployments and fallbacks in the catalog: what a model lists, what it may not, and the message when it is wrong. */
class DeploymentCatalogTest {

    private static ModelCatalog parse(String yaml) {
        return ModelCatalogParser.parse(yaml, "test.yaml", TestCatalogs.PROVIDERS);
    }

    private static String refusal(String yaml) {
        return assertThrows(ModelCatalogException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void aProviderAloneIsOneDeploymentNamedAfterItWithItsDefaults() {
        ModelEntry entry = parse("models:\n  m: {provider: openai, upstream_model: gpt-image-2}\n").find("m");
        Deployment only = entry.deployments().get(0);
        assertEquals(List.of("openai"), entry.deployments().stream().map(Deployment::name).toList());
        assertEquals("gpt-image-2", only.upstreamModel());
        assertNull(only.baseUrl());
        assertNull(only.apiKey());
        assertEquals(1, only.weight());
    }

    @Test
    void deploymentsCarryTheirEndpointKeyReferenceWeightAndLimits() {
        ModelCatalog catalog = parse("""
                models:
                  flare:
                    upstream_model: gpt-image-2.6-flare
                    deployments:
                      - {name: eu, provider: azure-openai, base_url: "https://eu.openai.azure.com/", api_key: env:AZURE_EU_KEY,
                         upstream_model: img-eu, api_version: 2025-04-01-preview, weight: 3, max_in_flight: 50}
                      - {name: us, provider: openai, api_key: "file:/run/secrets/openai"}
                    fallbacks: [flux]
                  flux:
                    deployments: [{provider: bfl, upstream_model: flux-2-pro}]
                """);
        ModelEntry flare = catalog.find("flare");
        assertEquals("azure-openai", flare.provider(), "a model's provider is its first deployment's");
        Deployment eu = flare.deployments().get(0);
        assertEquals("https://eu.openai.azure.com", eu.baseUrl());
        assertEquals("env:AZURE_EU_KEY", eu.apiKey());
        assertEquals("img-eu", eu.upstreamModel());
        assertEquals("2025-04-01-preview", eu.apiVersion());
        assertEquals(3, eu.weight());
        assertEquals(50, eu.maxInFlight());
        assertEquals("gpt-image-2.6-flare", flare.deployments().get(1).upstreamModel(), "the model's id by default");
        assertEquals(List.of("flux"), flare.fallbacks());
        assertEquals("bfl", catalog.find("flux").deployments().get(0).name(), "unnamed: the provider's name");
    }

    @Test
    void aKeyWrittenIntoTheCatalogIsRefusedWithoutBeingEchoed() {
        String message = refusal("models:\n  m:\n    deployments: [{provider: openai, api_key: sk-live-abcdef0123456789}]\n");
        assertTrue(message.contains("api_key must name where the key is"), message);
        assertFalse(message.contains("sk-live"), message);
    }

    @Test
    void mistakesAreNamedWithTheirLine() {
        assertTrue(refusal("models:\n  m:\n    deployments: [{provider: midjourney}]\n").contains("unknown provider 'midjourney'"));
        assertTrue(refusal("models:\n  m:\n    deployments: [{provider: openai}, {provider: openai}]\n").contains("listed twice"));
        assertTrue(refusal("models:\n  m:\n    deployments: [{provider: openai, weight: -1}]\n").contains("weight must be a whole number"));
        assertTrue(refusal("models:\n  m:\n    deployments: [{provider: openai, base_url: ftp://x}]\n").contains("base_url"));
        assertTrue(refusal("models:\n  m:\n    deployments: []\n").contains("deployments lists none"));
        assertTrue(refusal("models:\n  m: {provider: openai, fallbacks: [nowhere]}\n").contains("falls back to 'nowhere'"));
        assertTrue(refusal("models:\n  m: {provider: openai, fallbacks: [m]}\n").contains("names the model itself"));
        String conflict = refusal("""
                models:
                  a:
                    deployments: [{name: shared, provider: openai, api_key: env:KEY_ONE}]
                  b:
                    deployments: [{name: shared, provider: openai, api_key: env:KEY_TWO}]
                """);
        assertTrue(conflict.startsWith("test.yaml line 5: deployment 'shared' of model 'b' differs"), conflict);
    }

    @Test
    void theShippedCatalogServesEveryProvidersModelsAndTheirDeploymentsParse() {
        ModelCatalog shipped = TestCatalogs.shipped().catalog();
        for (String provider : List.of("openai", "google", "stability", "bfl")) {
            assertTrue(shipped.entries().stream().anyMatch(e -> e.deployments().stream().anyMatch(d -> d.provider().equals(provider))),
                    "the shipped catalog has a " + provider + " model");
        }
    }
}
