package dev.imagegateway.routes;

import java.util.Properties;

import dev.imagegateway.models.Deployment;
import dev.imagegateway.provider.Deployments;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.MainConfigurationProperties;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A deployment made live while the gateway is still starting (an inbox file waiting at start, a call in the first
 * second) has its route started: Camel's start-up has passed its routes by then, and a route added there was left
 * unstarted, its callers waiting 30 s for a consumer and failing (seen in the smoke test's restart).
 */
class DeploymentAtStartTest extends GatewayTestSupport {

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext context) {
                // before the context counts as started: what the inbox's first line does on a restart
                try {
                    context.addStartupListener((started, alreadyStarted) -> started.getRegistry()
                            .lookupByNameAndType("deployments", Deployments.class)
                            .live(new Deployment("local", "local", "local", null, null, null, 1, null, 0)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        super.configure(configuration);
    }

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", "");
        return p;
    }

    @Test
    void aDeploymentMadeLiveDuringStartServes() throws Exception {
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("deployment-local"));
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            assertEquals(200, doors.rest("served at once").httpStatus());
        }
    }
}
