package dev.imagegateway.provider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import dev.imagegateway.models.Deployment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A deployment's credential by reference: a mounted secret file is read when it changes, and a missing one is named. */
class LiveDeploymentTest {

    private static LiveDeployment deployment(String keyRef) {
        ProviderDefaults openai = new ProviderDefaults();
        openai.setName("openai");
        openai.setBaseUrlSetting("openai.base-url");
        return LiveDeployment.standalone(new Deployment("secret", "openai", "m", null, keyRef, null, 1, null, 1), openai,
                name -> name.equals("openai.base-url") ? "https://api.openai.com/v1" : null);
    }

    @Test
    void aSecretFileIsReadAgainWhenItIsRotated() throws Exception {
        Path file = Files.createTempFile("openai-key", ".txt");
        Files.writeString(file, "sk-first\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
        LiveDeployment live = deployment("file:" + file);
        assertEquals("sk-first", live.apiKey());
        assertNull(live.notConfigured());
        Files.writeString(file, "sk-rotated\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(2_000_000));
        assertEquals("sk-rotated", live.apiKey());
        Files.delete(file);
        assertEquals("", live.apiKey());
        assertTrue(live.notConfigured().contains("is missing or empty"), live.notConfigured());
    }

    @Test
    void anUnsetVariableIsNamed() {
        assertTrue(deployment("env:NO_SUCH_KEY_42").notConfigured().contains("NO_SUCH_KEY_42 is not set"));
    }
}
