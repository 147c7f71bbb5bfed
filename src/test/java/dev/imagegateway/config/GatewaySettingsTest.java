package dev.imagegateway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewaySettingsTest {

    private static GatewaySettings resolve(String... keyValues) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            var pc = (org.apache.camel.component.properties.PropertiesComponent) context.getPropertiesComponent();
            pc.setEnvironmentVariableMode(org.apache.camel.component.properties.PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
            for (int i = 0; i < keyValues.length; i += 2) {
                pc.addOverrideProperty(keyValues[i], keyValues[i + 1]);
            }
            return GatewaySettings.resolve(pc);
        }
    }

    @Test
    void noOpenAiKeyMeansTheOfflineProviderAndAGeneratedGatewayKey() throws Exception {
        GatewaySettings settings = resolve();
        assertEquals("local", settings.provider());
        assertTrue(settings.apiKeyGenerated());
        assertEquals(48, settings.apiKeys().length());
        assertEquals("https://api.openai.com/v1", settings.openAiBaseUrl());
        assertEquals(50051, settings.grpcPort());
        assertEquals(8080, settings.httpPort());
    }

    @Test
    void anOpenAiKeyMeansTheOpenAiProvider() throws Exception {
        GatewaySettings settings = resolve("openai.api-key", "sk-x", "api.secret-key", "k", "openai.base-url", "http://stub/v1/");
        assertEquals("openai", settings.provider());
        assertFalse(settings.apiKeyGenerated());
        assertEquals("http://stub/v1", settings.openAiBaseUrl(), "without its trailing slash");
    }

    @Test
    void theProviderCanBeForced() throws Exception {
        assertEquals("local", resolve("openai.api-key", "sk-x", "image.provider", "LOCAL").provider());
        // the catalog's deployments may carry their own keys: explicit openai needs no OPENAI_API_KEY
        assertEquals("openai", resolve("image.provider", "openai").provider());
        assertThrows(IllegalArgumentException.class, () -> resolve("image.provider", "midjourney"));
    }

    @Test
    void anEmptyInboxDirTurnsTheInboxOff() throws Exception {
        assertTrue(resolve().inboxEnabled());
        assertEquals("inbox", resolve().inboxDir());
        assertFalse(resolve("inbox.dir", "").inboxEnabled());
        assertFalse(resolve("inbox.dir", "  ").inboxEnabled());
    }

    @Test
    void toStringShowsNoKey() throws Exception {
        String text = resolve("openai.api-key", "sk-secret", "api.secret-key", "gateway-secret").toString();
        assertFalse(text.contains("sk-secret"));
        assertFalse(text.contains("gateway-secret"));
    }
}
