package dev.imagegateway.routes;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When every deployment failed, a retry (UPSTREAM_RETRIES) runs the whole plan again after its backoff: retries count
 * rounds through the deployments, not single calls, so three deployments do not use up two retries in one round.
 */
class FailoverRetryTest extends ProviderStubTestSupport {

    @Override
    protected String catalog() {
        return """
                    default: three
                    models:
                      three:
                        deployments:
                          - {name: one, provider: openai-compatible, base_url: BASE/one/v1}
                          - {name: two, provider: openai-compatible, base_url: BASE/two/v1}
                          - {name: three, provider: openai-compatible, base_url: BASE/three/v1}
                    """;
    }

    @Override
    protected void settings(Properties p) {
        p.setProperty("image.provider", "openai");
        p.setProperty("upstream.retries", "1");
        p.setProperty("upstream.retry-initial-delay-ms", "50");
        p.setProperty("circuit.minimum-calls", "1000");
    }

    @Test
    void oneRetryIsOneMoreRoundThroughEveryDeployment() throws Exception {
        for (String name : new String[] {"one", "two", "three"}) {
            stub().stubFor(post(urlEqualTo("/" + name + "/v1/images/generations")).willReturn(ProviderKits.json(503, "{}")));
        }
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            assertEquals(502, doors.rest("a kite").httpStatus());
        }
        for (String name : new String[] {"one", "two", "three"}) {
            assertEquals(2, stub().findAll(postRequestedFor(urlEqualTo("/" + name + "/v1/images/generations"))).size(), name);
        }
    }
}
