package dev.imagegateway.config;

import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs once everything listens: gives Vert.x's own errors (body too large, unknown path) the JSON shape of every
 * other error, and announces the ports, the generated key and the offline mode.
 */
class GatewayStartupListener implements ExtendedStartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayStartupListener.class);

    private final GatewaySettings settings;

    GatewayStartupListener(GatewaySettings settings) {
        this.settings = settings;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // nothing before the routes run
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(settings.httpPort()));
        if (router != null) {
            // Vert.x fails an oversized body with 413 before our route sees it; answer that failure in JSON too
            router.route().failureHandler(ctx -> {
                Throwable failure = ctx.failure();
                if (ctx.statusCode() == 413) {
                    jsonError(ctx, 413, "Request body is larger than the server accepts");
                } else if (failure instanceof io.vertx.core.http.HttpClosedException) {
                    // the client went away mid-request: no one to answer, nothing to report but a line at debug
                    LOG.debug("HTTP request abandoned by its client: {}", failure.getMessage());
                } else if (failure != null && unreadable(failure)) {
                    // what Netty could not decode (broken chunk framing, a bad header): the client's mistake, told
                    // in one line, never as Vert.x-web's "Unhandled exception in router" stack trace
                    LOG.debug("HTTP request not readable: {}", dev.imagegateway.ops.LogText.token(failure.toString()));
                    if (!ctx.response().ended() && !ctx.response().closed()) {
                        ctx.response().putHeader("Connection", "close");
                        jsonError(ctx, 400, "The request could not be read (broken framing or headers)");
                    }
                } else if (failure != null) {
                    // ours: one line for the operator (the trace at debug), a plain 500 for the client
                    LOG.warn("HTTP request failed in the server: {}", dev.imagegateway.ops.LogText.token(failure.toString()));
                    LOG.debug("HTTP request failure", failure);
                    if (!ctx.response().ended() && !ctx.response().closed()) {
                        jsonError(ctx, 500, "Internal error");
                    }
                } else {
                    ctx.next();
                }
            });
            // any path no route serves
            router.route().last().handler(ctx -> jsonError(ctx, 404, "Not found"));
            // POST /v1/images/edits is read by its route as a stream (bounded by EDITS_MAX_REQUEST_BYTES, its memory
            // reserved first); camel-platform-http refuses a multipart body on a streaming route, so the form's
            // Content-Type is handed to the route in a header of its own, and the route reads the form itself
            router.route(dev.imagegateway.openai.OpenAiEditRequestReader.PATH).order(-10).handler(ctx -> {
                String type = ctx.request().getHeader("Content-Type");
                if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
                    ctx.request().headers().set(dev.imagegateway.openai.OpenAiEditRequestReader.FORM_CONTENT_TYPE, type);
                    ctx.request().headers().set("Content-Type", "application/octet-stream");
                }
                ctx.next();
            });
        }
        dev.imagegateway.grpc.StandardGrpcServices standard = context.getRegistry()
                .lookupByNameAndType("standardGrpcServices", dev.imagegateway.grpc.StandardGrpcServices.class);
        if (standard != null) {
            standard.install(context, "grpc-door");
        }
        // every deployment made live first (its route and breaker), so that the block below comes out at once
        dev.imagegateway.provider.DeploymentPlanner planner = context.getRegistry()
                .lookupByNameAndType("deploymentPlanner", dev.imagegateway.provider.DeploymentPlanner.class);
        try {
            context.getRegistry().lookupByNameAndType("deployments", dev.imagegateway.provider.Deployments.class).startWaiting();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the deployment routes made while starting", e);
        }
        java.util.List<String> deployments = planner.survey();
        // one short block (the libraries' own summaries are at LOG_LEVEL=debug)
        String version = GatewayStartupListener.class.getPackage().getImplementationVersion();
        LOG.info("Image gateway {} started in {} ms", version != null ? version : "(from the sources)",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        LOG.info("  HTTP server started on port {}: web console /, POST /generate, POST /v1/images/generations, GET /v1/models; "
                + "/observe/health, /observe/metrics", settings.httpPort());
        LOG.info("  gRPC Server started on port {}: imagegeneration.ImageGenerationService, grpc.health.v1.Health{}", settings.grpcPort(),
                context.getPropertiesComponent().resolveProperty("grpc.reflection").map(String::trim).orElse("true").equals("false")
                        ? "" : ", server reflection");
        dev.imagegateway.models.ModelCatalogSource catalogs = context.getRegistry()
                .lookupByNameAndType("modelCatalog", dev.imagegateway.models.ModelCatalogSource.class);
        LOG.info("  Default model {}; model catalog: {} models from {}; deployments: {}", catalogs.defaultModel(),
                catalogs.catalog().size(), catalogs.catalog().source(), String.join("; ", deployments));
        dev.imagegateway.gallery.ImageStore images = context.getRegistry()
                .lookupByNameAndType("imageStore", dev.imagegateway.gallery.ImageStore.class);
        LOG.info("  Images in {}; inbox {}", images != null ? images.describe() : settings.imagesDir().toAbsolutePath(),
                settings.inboxEnabled() ? java.nio.file.Path.of(settings.inboxDir()).toAbsolutePath() : "off");
        if (planner.offline()) {
            LOG.warn("{}: images come from the built-in offline provider, not from a real one",
                    GatewaySettings.LOCAL.equals(settings.provider()) && !settings.openAiApiKey().isEmpty()
                            ? "IMAGE_PROVIDER=local" : "No provider key set (OPENAI_API_KEY...)");
        }
        if (settings.apiKeyGenerated()) {
            // printed once on the console, never logged, as Jupyter does with its token
            System.out.println();
            System.out.println("    No API_SECRET_KEY set; this run's gateway key is:");
            System.out.println("        " + settings.apiKeys());
            System.out.println("    Send it as X-API-KEY (REST) or api_key (gRPC). Set API_SECRET_KEY to choose your own.");
            System.out.println();
            System.out.flush();
        }
    }

    /** A failure raised while Netty decoded the request (its top frame is in Netty's codec package). */
    static boolean unreadable(Throwable failure) {
        StackTraceElement[] trace = failure.getStackTrace();
        return failure instanceof io.netty.handler.codec.DecoderException
                || (trace.length > 0 && trace[0].getClassName().startsWith("io.netty.handler.codec."))
                || (trace.length > 1 && trace[1].getClassName().startsWith("io.netty.handler.codec."));
    }

    /** In the error shape of the door the path belongs to: OpenAI's under /v1/, the gateway's elsewhere. */
    private static void jsonError(RoutingContext ctx, int status, String message) {
        if (!ctx.response().ended()) {
            String body = ctx.request().path() != null && ctx.request().path().startsWith("/v1/")
                    ? "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":"
                            + (status == 404 ? "\"not_found\"" : "\"request_too_large\"") + "}}"
                    : "{\"error\":\"" + message + "\"}";
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .putHeader("x-request-id", java.util.UUID.randomUUID().toString()).end(body);
        }
    }
}
