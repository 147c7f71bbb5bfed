package dev.imagegateway.models;

import java.math.BigDecimal;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCatalogParserTest {

    private static ModelCatalog parse(String yaml) {
        return ModelCatalogParser.parse(yaml, "m.yaml", TestCatalogs.PROVIDERS);
    }

    private static String refusal(String yaml) {
        return assertThrows(ModelCatalogException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void theShippedCatalogListsWhatOpenAiServesOn20261126() {
        ModelCatalog catalog = TestCatalogs.shipped().catalog();
        LocalDate today = LocalDate.parse("2026-11-26");
        for (String active : new String[] {"gpt-image-2.6-flare", "gpt-image-2.6-sunburst", "gpt-image-2.5-flare",
            "gpt-image-2.5-sunburst", "gpt-image-2", "gpt-image-2-2026-04-21", "gpt-image-2.5-flare-2026-09-08"}) {
            ModelEntry entry = catalog.find(active);
            assertNotNull(entry, active);
            assertEquals(Lifecycle.State.ACTIVE, entry.lifecycle().state(), active);
            assertEquals(active, entry.upstreamModel());
            assertFalse(entry.sendsResponseFormat(), active);
            assertTrue(entry.sizes().accepts("3840x2160") && entry.sizes().accepts("auto"), active);
            assertEquals(new BigDecimal("30.00"), entry.prices().perMillionTokens().get("image_output"), active);
        }
        for (String deprecated : new String[] {"gpt-image-1.5", "gpt-image-1.5-2025-12-16", "gpt-image-1-mini", "chatgpt-image-latest"}) {
            ModelEntry entry = catalog.find(deprecated);
            assertEquals(Lifecycle.State.DEPRECATED, entry.lifecycle().state(), deprecated);
            assertEquals(LocalDate.parse("2026-12-01"), entry.lifecycle().shutdown(), deprecated);
            assertEquals(entry, catalog.servedBy(entry, today));
            assertEquals("gpt-image-2.6-flare", catalog.servedBy(entry, LocalDate.parse("2026-12-01")).name());
        }
        for (String retired : new String[] {"dall-e-2", "dall-e-3", "gpt-image-1"}) {
            ModelEntry entry = catalog.find(retired);
            assertEquals(Lifecycle.State.RETIRED, entry.lifecycle().state(), retired);
            assertEquals("gpt-image-2.6-flare", catalog.servedBy(entry, today).name(), retired);
        }
        assertEquals("gpt-image-2.6-flare", catalog.defaultModel());
        assertEquals("high", catalog.find("dall-e-3").qualityMap().get("hd"));
        assertEquals("url", catalog.find("dall-e-3").doorResponseFormat());
        assertEquals(new BigDecimal("0.211"), catalog.find("gpt-image-2").prices().perImage().get("high").get("1024x1024"));
        // snapshots inherit their alias's rules but are sent as themselves
        assertEquals(catalog.find("gpt-image-2").accepted("quality"), catalog.find("gpt-image-2-2026-04-21").accepted("quality"));
        assertFalse(catalog.find("gpt-image-2").accepted("quality").contains("xhigh"));
        assertTrue(catalog.find("gpt-image-2.6-flare").accepted("quality").contains("max"));
        for (ModelEntry entry : catalog.entries()) {
            assertFalse(entry.sources().isEmpty(), entry.name() + " cites no source");
        }
    }

    @Test
    void aSmallCatalogWithEveryKind() {
        ModelCatalog catalog = parse("""
                models:
                  m1:
                    provider: openai
                    upstream_model: vendor/m1-2026
                    released: 2026-01-02
                    sizes: {auto: true, multiple_of: 8, max_edge: 2048, max_aspect_ratio: 2.5, min_pixels: 1000, max_pixels: 4000000, presets: [512x512, auto]}
                    default_size: 512x512
                    quality: [low, high]
                    style: []
                    prices:
                      per_image: {low: {512x512: 0.01}}
                      per_million_tokens: {image_output: 3}
                  m0:
                    provider: local
                    deprecated: 2027-01-01
                    replacement: m1
                    sizes: [256x256]
                    default_size: 256x256
                  old:
                    like: m0
                    retired: refuse
                """);
        ModelEntry m1 = catalog.find("m1");
        assertEquals("vendor/m1-2026", m1.upstreamModel());
        assertEquals(LocalDate.parse("2026-01-02"), m1.released());
        assertTrue(m1.sizes().accepts("2040x816"));
        assertFalse(m1.sizes().accepts("2048x800"), "ratio 2.56");
        assertEquals(java.util.Set.of(), m1.accepted("style"));
        assertNull(m1.accepted("background"));
        assertEquals(new BigDecimal("0.01"), m1.prices().perImage().get("low").get("512x512"));
        assertEquals("local", catalog.find("m0").provider());
        ModelEntry old = catalog.find("old");
        assertEquals(Lifecycle.State.RETIRED, old.lifecycle().state());
        assertEquals("old", old.upstreamModel());
        assertTrue(old.sizes().accepts("256x256"));
        assertNull(catalog.servedBy(old, LocalDate.parse("2026-11-26")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "models:\\n  m: {provider: openai\\n| line 3| not valid YAML",
        "models:\\n  m:\\n    provider: openai\\n    sizez: [1024x1024]| line 4| unknown key 'sizez'",
        "models:\\n  m:\\n    provider: acme| line 3| unknown provider 'acme'",
        "models:\\n  m:\\n    sizes: [1024x1024]| line 3| 'provider' is required",
        "models:\\n  m:\\n    provider: openai\\n    max_n: ten| line 4| max_n must be a number",
        "models:\\n  m:\\n    provider: openai\\n    max_n: 0| line 4| above 0",
        "models:\\n  m:\\n    provider: openai\\n    sizes: [1024x1024, 1024]| line 4| '1024' is not WIDTHxHEIGHT",
        "models:\\n  m:\\n    provider: openai\\n    sizes: {multiple_of: 100}| line 3| it needs a default_size",
        "models:\\n  m:\\n    provider: openai\\n    sizes: {multiple_of: 16, presets: [1000x1000]}| line 4| multiples of 16",
        "models:\\n  m:\\n    provider: openai\\n    retired: gone| line 3| maps to 'gone'",
        "models:\\n  a: {provider: openai, retired: b}\\n  b: {provider: openai, retired: a}| line 2| maps back to itself",
        "models:\\n  m:\\n    provider: openai\\n    deprecated: soon| line 4| YYYY-MM-DD",
        "models:\\n  m: {provider: openai}\\n  m: {provider: openai}| line 3| listed twice",
        "models:\\n  m:\\n    like: n\\n    provider: openai| line 3| not listed above it",
        "models:\\n  m:\\n    provider: openai\\n    quality: [Low]| line 4| is not a value a request could send",
        "models:\\n  m:\\n    provider: openai\\n    output_compression: yes| line 4| true or false",
        "models:\\n  m:\\n    provider: openai\\n    prices: {per_million_tokens: {image_out: 3}}| line 4| unknown token kind",
        "models:\\n  m:\\n    provider: openai\\n    prices: {per_image: {low: {1024x1024: -1}}}| line 4| cannot be negative",
        "models:\\n  m:\\n    provider: openai\\n    quality_map: {hd: high}| line 4| for a deprecated or retired model",
        "models:\\n  t: {provider: openai, quality: [low]}\\n  m: {provider: openai, retired: t, quality_map: {hd: high}}| line 3| does not take",
        "models: []| line 1| must be a mapping",
        "models:\\n  a: {provider: openai, retired: b}\\n  b: {provider: openai, retired: z}| line 3| maps to 'z'",
        "models:\\n  t: {provider: openai}\\n  m: {provider: openai, retired: t, quality: [hd], quality_map: {xx: high}}| line 3| does not take itself",
        "models:\\n  t: {provider: openai}\\n  m: {provider: openai, retired: t, quality_map: {hd: high, hd: low}}| line 3| twice",
        "models:\\n  m: {provider: openai, prices: {per_image: {low: {1024x1024: 1, 1024x1024: 2}}}}| line 2| two prices",
        "default: m2\\nmodels:\\n  m: {provider: openai}| line 1| default 'm2' is not a model of the file",
        "default: m\\nmodels:\\n  m: {provider: openai, retired: refuse}| line 1| is retired",
        "models:\\n  m: {provider: openai, retired: refuse}| line 2| no active model",
        "modelz: {}| line 1| unknown key 'modelz'",
        "# nothing\\n| m.yaml| empty"})
    void aBrokenFileIsRefusedNamingTheLineAndTheProblem(String yaml, String line, String problem) {
        String message = refusal(yaml.replace("\\n", "\n"));
        assertTrue(message.startsWith("m.yaml"), message);
        assertTrue(message.contains(line.trim()), message);
        assertTrue(message.contains(problem.trim()), message);
    }
}
