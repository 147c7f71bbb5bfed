package dev.imagegateway.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The seed's {@code .env} keeps working with providers: a provider's endpoint and key (OPENAI_BASE_URL,
 * OPENAI_API_KEY) and a deployment's own key by reference (api_key: env:NAME) are all read from it.
 */
class DotEnvProvidersTest extends GatewayTestSupport {

    private static final WireMockServer STUB = new WireMockServer(options().dynamicPort());
    private static final Path DIR = createTempDir();

    static {
        STUB.start();
        try {
            Files.writeString(DIR.resolve(".env"), "OPENAI_API_KEY=sk-from-dotenv-0123456789\n"
                    + "OPENAI_BASE_URL=http://localhost:" + STUB.port() + "/dotenv/v1\n"
                    + "SECOND_OPENAI_KEY=sk-second-from-dotenv-0123\n");
            Files.writeString(DIR.resolve("models.yaml"), """
                    default: primary
                    models:
                      primary:
                        provider: openai
                        upstream_model: gpt-image-2.6-flare
                      second:
                        upstream_model: gpt-image-2.6-flare
                        deployments: [{name: second-key, provider: openai, api_key: env:SECOND_OPENAI_KEY}]
                    """);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Path dotEnvFile() {
        return DIR.resolve(".env");
    }

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("models.file", DIR.resolve("models.yaml").toString());
        return p;
    }

    @AfterAll
    void stopStub() {
        STUB.stop();
    }

    @Test
    void theProvidersEndpointAndKeysComeFromDotEnv() throws Exception {
        STUB.stubFor(post(urlEqualTo("/dotenv/v1/images/generations"))
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
        var calls = STUB.findAll(postRequestedFor(urlEqualTo("/dotenv/v1/images/generations")));
        assertEquals(2, calls.size());
        assertEquals("Bearer sk-from-dotenv-0123456789", calls.get(0).getHeader("Authorization"));
        LoggedRequest second = calls.get(1);
        assertEquals("Bearer sk-second-from-dotenv-0123", second.getHeader("Authorization"));
    }
}
