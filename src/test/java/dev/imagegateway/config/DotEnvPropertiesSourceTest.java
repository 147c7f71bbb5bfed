package dev.imagegateway.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DotEnvPropertiesSourceTest {

    @TempDir
    Path dir;

    @Test
    void findsTheSeedsVariablesUnderOurPropertyNames() throws Exception {
        Path env = dir.resolve(".env");
        Files.writeString(env, "OPENAI_API_KEY=sk-from-dotenv\nAPI_SECRET_KEY=secret\n# comment\nSERVER_ADDRESS=localhost:50051\n");
        DotEnvPropertiesSource source = new DotEnvPropertiesSource(env);
        assertEquals("sk-from-dotenv", source.getProperty("openai.api-key"));
        assertEquals("secret", source.getProperty("api.secret-key"));
        assertEquals("secret", source.getProperty("API_SECRET_KEY"));
        assertNull(source.getProperty("grpc.port"));
    }

    @Test
    void aMissingFileIsNoError() {
        assertNull(new DotEnvPropertiesSource(dir.resolve("none")).getProperty("openai.api-key"));
        assertNull(new DotEnvPropertiesSource(null).getProperty("openai.api-key"));
    }

    @Test
    void dotEnvWinsOverApplicationPropertiesButNotOverOverrides() throws Exception {
        Files.writeString(dir.resolve("app.properties"), "api.secret-key=from-properties\nimage.model=dall-e-2\n");
        Files.writeString(dir.resolve(".env"), "API_SECRET_KEY=from-dotenv\n");
        try (CamelContext context = new DefaultCamelContext()) {
            var pc = context.getPropertiesComponent();
            pc.setLocation("file:" + dir.resolve("app.properties"));
            pc.addPropertiesSource(new DotEnvPropertiesSource(dir.resolve(".env")));
            assertEquals("from-dotenv", pc.resolveProperty("api.secret-key").orElseThrow());
            assertEquals("dall-e-2", pc.resolveProperty("image.model").orElseThrow());
        }
    }
}
