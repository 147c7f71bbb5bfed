package dev.imagegateway.web;

import java.util.Properties;

import dev.imagegateway.routes.GatewayTestSupport;

/** The gateway as the web console's tests need it: offline images, and an inbox that reads files at once. */
abstract class ConsoleTestSupport extends GatewayTestSupport {

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", "");
        p.setProperty("inbox.poll-ms", "200");
        p.setProperty("inbox.min-age-ms", "200");
        return p;
    }
}
