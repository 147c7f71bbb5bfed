package dev.imagegateway.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three healthy deployments weighted 5:3:2 share 1,000 calls within ±5 % of their weights. */
class WeightedBalancingTest extends ProviderStubTestSupport {

    @Override
    protected String catalog() {
        return """
                    default: shared
                    models:
                      shared:
                        deployments:
                          - {name: five, provider: openai-compatible, base_url: BASE/five/v1, weight: 5}
                          - {name: three, provider: openai-compatible, base_url: BASE/three/v1, weight: 3}
                          - {name: two, provider: openai-compatible, base_url: BASE/two/v1, weight: 2}
                    """;
    }

    @Override
    protected void settings(Properties p) {
        p.setProperty("image.provider", "openai");
        // the images are not what this test is about
        p.setProperty("images.metadata", "false");
    }

    @Test
    void eachDeploymentGetsItsWeightsShare() throws Exception {
        byte[] png = UpstreamStub.png(2, 2);
        for (String name : List.of("five", "three", "two")) {
            stub().stubFor(post(urlEqualTo("/" + name + "/v1/images/generations"))
                    .willReturn(ProviderKits.json(200, ProviderKits.openAiData(png, 1))));
        }
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Integer> served = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                calls.add(pool.submit(() -> {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort()
                            + "/v1/images/generations")).header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"call " + n + "\"}")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    assertEquals(200, response.statusCode());
                    served.merge(response.headers().firstValue("x-gateway-deployment").orElse("none"), 1, Integer::sum);
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1000, served.values().stream().mapToInt(Integer::intValue).sum(), served.toString());
        // ±5 % of the weights: 500, 300 and 200 of 1,000, each within 50 of it (a binomial's spread is about 16)
        assertTrue(Math.abs(served.getOrDefault("five", 0) - 500) <= 50, served.toString());
        assertTrue(Math.abs(served.getOrDefault("three", 0) - 300) <= 50, served.toString());
        assertTrue(Math.abs(served.getOrDefault("two", 0) - 200) <= 50, served.toString());
    }
}
