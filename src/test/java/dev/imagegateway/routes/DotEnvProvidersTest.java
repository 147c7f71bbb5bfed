package dev.imagegateway.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The seed's {@code .env} keeps working with providers: a provider's endpoint and key (OPENAI_BASE_URL,
 * OPENAI_API_KEY) and a deployment's own key by reference (api_key: env:NAME) are all read from it.
 */
class DotEnvProvidersTest extends ProviderStubTestSupport {

    @Override
    protected String catalog() {
        return """
                    default: primary
                    models:
                      primary:
                        provider: openai
                        upstream_model: gpt-image-2.6-flare
                      second:
                        upstream_model: gpt-image-2.6-flare
                        deployments: [{name: second-key, provider: openai, api_key: env:SECOND_OPENAI_KEY}]
                    """;
    }

    @Override
    protected void settings(Properties p) {
        // nothing: the provider's endpoint and the keys are in the .env below
    }

    @Override
    protected Path dotEnvFile() {
        try {
            Path env = createTempDir().resolve(".env");
            Files.writeString(env, "OPENAI_API_KEY=sk-from-dotenv-0123456789\n"
                    + "OPENAI_BASE_URL=" + base() + "/dotenv/v1\n"
                    + "SECOND_OPENAI_KEY=sk-second-from-dotenv-0123\n");
            return env;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theProvidersEndpointAndKeysComeFromDotEnv() throws Exception {
        stub().stubFor(post(urlEqualTo("/dotenv/v1/images/generations"))
                .willReturn(ProviderKits.json(200, ProviderKits.openAiData(UpstreamStub.png(4, 4), 1))));
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            Doors.Outcome first = doors.rest("from dotenv");
            assertEquals(200, first.httpStatus(), first.message());
            assertEquals("openai/openai/primary", first.servedBy());
        }
        var openAiDoor = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + httpPort() + "/v1/images/generations"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"second\",\"prompt\":\"second key\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, openAiDoor.statusCode(), openAiDoor.body());
        var calls = stub().findAll(postRequestedFor(urlEqualTo("/dotenv/v1/images/generations")));
        assertEquals(2, calls.size());
        assertEquals("Bearer sk-from-dotenv-0123456789", calls.get(0).getHeader("Authorization"));
        LoggedRequest second = calls.get(1);
        assertEquals("Bearer sk-second-from-dotenv-0123", second.getHeader("Authorization"));
    }
}
