package dev.imagegateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.imagegateway.gallery.ImageFileReader;
import dev.imagegateway.gallery.ImageGalleryLister;
import dev.imagegateway.gallery.ImageMetadata;
import dev.imagegateway.grpc.GrpcDrain;
import dev.imagegateway.inbox.ActiveBatches;
import dev.imagegateway.inbox.InboxBatchReporter;
import dev.imagegateway.inbox.InboxBatchStarter;
import dev.imagegateway.inbox.InboxBatchView;
import dev.imagegateway.inbox.InboxFileRejecter;
import dev.imagegateway.inbox.InboxLineReader;
import dev.imagegateway.inbox.InboxLineRecorder;
import dev.imagegateway.ops.GatewayMetrics;
import dev.imagegateway.ops.ImagesFolderHealthCheck;
import dev.imagegateway.ops.UpstreamCircuitHealthCheck;
import dev.imagegateway.pipeline.ImageFilenameBean;
import dev.imagegateway.models.Lifecycle;
import dev.imagegateway.models.ModelCatalog;
import dev.imagegateway.models.ModelCatalogSource;
import dev.imagegateway.models.ModelEntry;
import dev.imagegateway.models.ModelWatch;
import dev.imagegateway.models.ModelsResponder;
import dev.imagegateway.pipeline.RequestValidator;
import dev.imagegateway.provider.CircuitBreakerRejection;
import dev.imagegateway.provider.UpstreamAttemptGuard;
import dev.imagegateway.provider.UpstreamRetryPolicy;
import dev.imagegateway.security.ApiKeyFilter;
import dev.imagegateway.security.ApiKeys;
import dev.imagegateway.security.KeyLimiter;
import dev.imagegateway.security.KeyRing;
import dev.imagegateway.security.PresentedKeyReader;
import dev.imagegateway.web.ConsoleInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the gateway into Camel Main before routes are built: adds {@code .env} as a properties source, resolves
 * the settings, and binds the beans and processors the YAML routes refer to by name. Used by the application
 * and by the tests alike, so both run the same wiring. Camel Main runs it before it configures components and
 * the HTTP server from properties, so the beans bound here (VertxOptions) are seen by them.
 */
public class GatewayBootstrap implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayBootstrap.class);

    private final Path dotEnvFile;

    public GatewayBootstrap(Path dotEnvFile) {
        this.dotEnvFile = dotEnvFile;
    }

    /** Registers the bootstrap with a Camel Main configuration; {@code dotEnvFile} may be null for none. */
    public static void install(MainConfigurationProperties main, Path dotEnvFile) {
        main.addConfiguration(new GatewayBootstrap(dotEnvFile));
    }

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        pc.addPropertiesSource(new DotEnvPropertiesSource(dotEnvFile));
        GatewaySettings settings = GatewaySettings.resolve(pc);
        // resolved values the routes use as placeholders; "gateway.*" names no environment variable sets
        // with INBOX_DIR empty the inbox route exists but never starts (and so creates no folder)
        pc.addOverrideProperty("gateway.inbox-enabled", Boolean.toString(settings.inboxEnabled()));
        pc.addOverrideProperty("gateway.inbox-dir", settings.inboxEnabled() ? settings.inboxDir() : "inbox");
        configureTls(context, pc);
        createDirectory(settings.imagesDir());
        removeUnfinishedWrites(settings.imagesDir());
        if (settings.inboxEnabled()) {
            createDirectory(Path.of(settings.inboxDir()));
        }
        GatewayMetrics metrics = bindObservability(context, settings);
        bindModels(context.getRegistry(), settings, pc, metrics, providerNames(context));
        bindBeans(context, settings, pc, metrics);
        bindSpend(context, pc, metrics);
        bindInbox(context, settings, pc, metrics);
        drainGrpcOnStop(context, pc);
        try {
            context.addStartupListener(new GatewayStartupListener(settings));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot register the startup listener", e);
        }
    }

    /**
     * The Prometheus registry Camel's metrics and ours share, and the
     * readiness checks behind /observe/health beside Camel's own.
     */
    private static GatewayMetrics bindObservability(CamelContext context, GatewaySettings settings) {
        Registry registry = context.getRegistry();
        // Camel's metrics service is set up before this runs and has bound its registry already
        MeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        GatewayMetrics metrics = new GatewayMetrics(meters);
        registry.bind("gatewayMetrics", metrics);
        ImagesFolderHealthCheck imagesFolder = new ImagesFolderHealthCheck(settings.imagesDir());
        registry.bind("imagesFolderHealthCheck", imagesFolder);
        org.apache.camel.spi.ThreadPoolProfile saves = new org.apache.camel.spi.ThreadPoolProfile("imageSavePool");
        saves.setPoolSize(8);
        saves.setMaxPoolSize(Math.max(8, intProperty(context.getPropertiesComponent(), "upstream.max-in-flight")));
        saves.setMaxQueueSize(0); // hand-off: a thread more rather than a queue behind busy ones
        saves.setKeepAliveTime(60L);
        saves.setAllowCoreThreadTimeOut(true);
        saves.setRejectedPolicy(org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy.CallerRuns);
        registry.bind("imageSavePool", context.getExecutorServiceManager().newThreadPool(GatewayBootstrap.class, "image-save", saves));
        registry.bind("imageSaves", new dev.imagegateway.pipeline.ImageSaves(settings.imagesDir(),
                longProperty(context.getPropertiesComponent(), "images.save-timeout-ms"), metrics, imagesFolder));
        registry.bind("upstreamCircuitHealthCheck", new UpstreamCircuitHealthCheck());
        metrics.gauge("gateway.upstream.circuit.open", "Deployments whose circuit breaker is open now",
                () -> UpstreamCircuitHealthCheck.openCircuits(context));
        if (settings.inboxEnabled()) {
            Path inbox = Path.of(settings.inboxDir());
            metrics.gauge("gateway.inbox.files.waiting", "Prompt files in the inbox not finished yet", () -> countFiles(inbox));
        }
        return metrics;
    }

    /**
     * TLS, off unless TLS_CERT and TLS_KEY name PEM files: the HTTP server from Camel's global SSL parameters; the gRPC
     * server through camel-grpc's TLS mode, which also requires client certificates signed by TLS_CLIENT_CA.
     */
    private static void configureTls(CamelContext context, PropertiesComponent pc) {
        String cert = pc.resolveProperty("tls.cert").map(String::trim).orElse("");
        String key = pc.resolveProperty("tls.key").map(String::trim).orElse("");
        String clientCa = pc.resolveProperty("tls.client-ca").map(String::trim).orElse("");
        boolean enabled = !cert.isEmpty() && !key.isEmpty();
        if (!cert.isEmpty() != !key.isEmpty()) {
            throw new IllegalArgumentException("TLS needs both TLS_CERT and TLS_KEY");
        }
        pc.addOverrideProperty("gateway.grpc-negotiation", enabled ? "TLS" : "PLAINTEXT");
        pc.addOverrideProperty("gateway.grpc-cert", enabled ? "file:" + cert : "");
        pc.addOverrideProperty("gateway.grpc-key", enabled ? "file:" + key : "");
        pc.addOverrideProperty("gateway.grpc-client-ca", enabled && !clientCa.isEmpty() ? "file:" + clientCa : "");
        if (enabled) {
            // Camel Main has created the HTTP server (not started yet) before this runs: give it the certificate
            MainHttpServer server = context.hasService(MainHttpServer.class);
            if (server == null) {
                throw new IllegalStateException("TLS_CERT is set but the HTTP server is not configured");
            }
            server.setSslContextParameters(PemTls.serverParameters(Path.of(cert), Path.of(key)));
            LOG.info("TLS on: HTTPS and gRPC over TLS{}", clientCa.isEmpty() ? "" : " (gRPC clients need certificates from TLS_CLIENT_CA)");
        }
    }

    /**
     * Graceful shutdown, as the very first thing the context does when it stops (its stopping event, before any route
     * is suspended): new calls are refused at every generating door in the door's own error shape (REST and OpenAI door
     * 503 JSON, gRPC UNAVAILABLE), and the calls in flight on every door are answered first, up to the shutdown timeout.
     * Only then does Camel stop the routes, with nothing left in flight at the doors (pending image writes are waited
     * for by Camel's own graceful shutdown).
     */
    private static void drainGrpcOnStop(CamelContext context, PropertiesComponent pc) {
        long timeoutMs = longProperty(pc, "camel.main.shutdown-timeout") * 1000;
        context.getManagementStrategy().addEventNotifier(new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public boolean isEnabled(org.apache.camel.spi.CamelEvent event) {
                return event instanceof org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                drainDoors(context, timeoutMs);
            }
        });
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                // the HTTP server's Vert.x is the gateway's own (HttpServerGuards): Camel does not close it
                HttpServerGuards guards = stopped.getRegistry().lookupByNameAndType("httpServerGuards", HttpServerGuards.class);
                if (guards != null) {
                    guards.close();
                }
            }
        });
    }

    private static void drainDoors(CamelContext stopping, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        dev.imagegateway.grpc.StandardGrpcServices standard = stopping.getRegistry()
                .lookupByNameAndType("standardGrpcServices", dev.imagegateway.grpc.StandardGrpcServices.class);
        if (standard != null) {
            standard.shutdown();
        }
        dev.imagegateway.ops.ShutdownGate gate = stopping.getRegistry()
                .lookupByNameAndType("shutdownGate", dev.imagegateway.ops.ShutdownGate.class);
        if (gate != null) {
            gate.close();
        }
        GrpcDrain drain = stopping.getRegistry().lookupByNameAndType("grpcDrain", GrpcDrain.class);
        try {
            LOG.info("Shutting down: new calls refused; answering the {} gRPC and {} HTTP calls in flight first",
                    drain == null ? 0 : drain.inFlight(), stopping.getInflightRepository().size("rest-door")
                            + stopping.getInflightRepository().size("openai-door") + stopping.getInflightRepository().size("openai-edits"));
            if (drain != null && !drain.drain(timeoutMs)) {
                LOG.warn("Shutting down with {} gRPC calls still unanswered after {} ms", drain.inFlight(), timeoutMs);
            }
            // the HTTP doors' calls in flight, so that no route is suspended under them (a suspended door answers an
            // empty 503 instead of the gate's JSON one)
            var inflight = stopping.getInflightRepository();
            while (inflight.size("rest-door") + inflight.size("openai-door") + inflight.size("openai-edits") > 0
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long countFiles(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void bindBeans(CamelContext context, GatewaySettings settings, PropertiesComponent pc, GatewayMetrics metrics) {
        Registry registry = context.getRegistry();
        dev.imagegateway.gallery.ImageStore imageStore = dev.imagegateway.gallery.ImageStores.open(context, pc, settings.imagesDir());
        registry.bind("imageStore", imageStore);
        registry.lookupByNameAndType("imagesFolderHealthCheck", ImagesFolderHealthCheck.class).checkStore(imageStore);
        registry.bind("gatewaySettings", settings);
        String keysFile = pc.resolveProperty("api.keys-file").map(String::trim).orElse("");
        KeyRing keys = new KeyRing(ApiKeys.parse(settings.apiKeys(), settings.apiKeyGenerated() ? "generated" : "env"),
                keysFile.isEmpty() ? null : Path.of(keysFile));
        KeyLimiter limiter = new KeyLimiter(intProperty(pc, "keys.rate-limit-per-minute"), intProperty(pc, "keys.concurrency-limit"));
        registry.bind("keyLimiter", limiter);
        ApiKeyFilter apiKeyFilter = new ApiKeyFilter(keys, limiter,
                new dev.imagegateway.security.FailedAuthThrottle(intProperty(pc, "auth.failures-per-minute"),
                        intProperty(pc, "auth.failures-burst"), metrics));
        registry.bind("keyRing", keys);
        registry.bind("apiKeyFilter", apiKeyFilter);
        registry.bind("apiKeyCheck", apiKeyFilter.withoutLimits());
        registry.bind("presentedKeyReader", new PresentedKeyReader());
        // the pipeline
        registry.bind("requestValidator", new RequestValidator(registry.lookupByNameAndType("modelCatalog", ModelCatalogSource.class),
                booleanProperty(pc, "models.passthrough", true), GatewaySettings.OPENAI, java.time.Clock.systemUTC()));
        registry.bind("usageMetrics", new dev.imagegateway.ops.UsageMetrics(metrics));
        registry.bind("imageFilenameBean", new ImageFilenameBean(settings.imagesDir()));
        dev.imagegateway.provider.ReplyBudget budget = new dev.imagegateway.provider.ReplyBudget(
                longProperty(pc, "memory.reply-budget-bytes") > 0 ? longProperty(pc, "memory.reply-budget-bytes")
                        : Runtime.getRuntime().maxMemory() / 100 * intProperty(pc, "memory.reply-budget-percent"),
                longProperty(pc, "memory.reply-budget-wait-ms"));
        registry.bind("replyBudget", budget);
        budget.onRefused(() -> metrics.overloaded("memory"));
        registry.bind("replyBudgetHealthCheck", new dev.imagegateway.ops.ReplyBudgetHealthCheck(budget, 0.9));
        metrics.gauge("gateway.reply.budget.used.bytes", "Bytes of upstream replies held now", budget::usedBytes);
        metrics.gauge("gateway.reply.budget.bytes", "The memory budget for upstream replies held at once", budget::totalBytes);
        metrics.gauge("gateway.reply.budget.refused", "Replies refused because the memory budget stayed spent", budget::refused);
        registry.bind("upstreamReplyReader", new dev.imagegateway.provider.UpstreamReplyReader(metrics,
                longProperty(pc, "upstream.max-reply-bytes"), budget));
        dev.imagegateway.provider.UpstreamDeadline deadlines = new dev.imagegateway.provider.UpstreamDeadline(
                longProperty(pc, "upstream.attempt-timeout-ms"), longProperty(pc, "upstream.call-timeout-ms"));
        registry.bind("upstreamDeadline", deadlines);
        registry.bind("upstreamAttemptGuard", new UpstreamAttemptGuard(deadlines, budget,
                longProperty(pc, "upstream.max-wait-ms"), metrics));
        registry.bind("upstreamRetryPolicy", new UpstreamRetryPolicy(
                intProperty(pc, "upstream.retries"), longProperty(pc, "upstream.retry-initial-delay-ms"),
                longProperty(pc, "upstream.retry-max-delay-ms"), longProperty(pc, "upstream.retry-after-max-ms"),
                longProperty(pc, "upstream.retry-min-attempt-ms"), metrics));
        // the deployments (each its own route, breaker and bulkhead) and the plan of which serve a request
        dev.imagegateway.provider.Deployments deployments = new dev.imagegateway.provider.Deployments(context,
                new dev.imagegateway.provider.Deployments.CircuitSettings(
                        Float.parseFloat(pc.resolveProperty("circuit.failure-rate-threshold").orElse("50").trim()),
                        intProperty(pc, "circuit.sliding-window"), intProperty(pc, "circuit.minimum-calls"),
                        longProperty(pc, "circuit.open-seconds"), intProperty(pc, "circuit.half-open-calls")),
                intProperty(pc, "upstream.max-in-flight"), metrics);
        registry.bind("deployments", deployments);
        String mode = pc.resolveProperty("image.provider").map(String::trim).orElse("");
        registry.bind("deploymentPlanner", new dev.imagegateway.provider.DeploymentPlanner(deployments,
                registry.lookupByNameAndType("modelCatalog", ModelCatalogSource.class), deadlines, metrics,
                mode.isEmpty() ? "auto" : settings.provider()));
        registry.bind("circuitBreakerRejection", new CircuitBreakerRejection(longProperty(pc, "circuit.open-seconds"), metrics));
        // what the HTTP doors share; each door's own beans are declared in its route file (routes/*-door.yaml)
        dev.imagegateway.rest.CorsPolicy cors = new dev.imagegateway.rest.CorsPolicy(pc.resolveProperty("cors.origins").orElse(""));
        registry.bind("corsPolicy", cors);
        registry.bind("httpReplyHeaders", new dev.imagegateway.rest.HttpReplyHeaders(cors));
        registry.bind("shutdownGate", new dev.imagegateway.ops.ShutdownGate());
        // beans of the doors made from the gateway's settings (each door's other beans are in its route file): the
        // gRPC standard services, and the OpenAI door's reader with the saved images it links to
        registry.bind("standardGrpcServices", new dev.imagegateway.grpc.StandardGrpcServices(booleanProperty(pc, "grpc.reflection", true)));
        // camel-grpc puts it on the server with the other interceptors: request messages read a few at a time
        registry.bind("largeRequestGate", new dev.imagegateway.grpc.LargeRequestGate(intProperty(pc, "grpc.large-requests-at-once"),
                longProperty(pc, "http.body-timeout-seconds")));
        boolean tls = "TLS".equals(pc.resolveProperty("gateway.grpc-negotiation").orElse(""));
        dev.imagegateway.openai.OpenAiDoorRequestReader openAiReader = new dev.imagegateway.openai.OpenAiDoorRequestReader(
                registry.lookupByNameAndType("modelCatalog", ModelCatalogSource.class),
                pc.resolveProperty("public.base-url").map(String::trim).orElse(""), tls, settings.httpPort())
                .heartbeatEvery(longProperty(pc, "openai.stream-heartbeat-seconds"));
        registry.bind("openAiDoorRequestReader", openAiReader);
        registry.bind("openAiEditRequestReader", new dev.imagegateway.openai.OpenAiEditRequestReader(openAiReader,
                registry.lookupByNameAndType("replyBudget", dev.imagegateway.provider.ReplyBudget.class),
                longProperty(pc, "edits.max-request-bytes")));
        dev.imagegateway.gallery.ImageStore store = registry.lookupByNameAndType("imageStore", dev.imagegateway.gallery.ImageStore.class);
        registry.bind("imageFileReader", new ImageFileReader(store));
        // web console: its page, the gallery and what is recorded beside each image
        ImageMetadata metadata = new ImageMetadata(store,
                Boolean.parseBoolean(pc.resolveProperty("images.metadata").orElse("true").trim()));
        registry.bind("imageMetadata", metadata);
        registry.bind("imageGalleryLister", new ImageGalleryLister(store, metadata));
        registry.bind("consoleInfo", new ConsoleInfo(settings, registry.lookupByNameAndType("modelCatalog", ModelCatalogSource.class),
                registry.lookupByNameAndType("modelWatch", ModelWatch.class), java.time.Clock.systemUTC())
                .offlineWhen(registry.lookupByNameAndType("deploymentPlanner", dev.imagegateway.provider.DeploymentPlanner.class)::offline));
        // the HTTP server's Vert.x: its worker pool runs each request (Vert.x's default of 20 threads would cap
        // concurrency), and its server gets idle and header timeouts and a connection cap (HttpServerGuards)
        String workers = pc.resolveProperty("http.worker-threads").map(String::trim).orElse("");
        int workerThreads = workers.isEmpty() ? intProperty(pc, "upstream.max-in-flight") + 64 : intProperty(pc, "http.worker-threads");
        HttpServerGuards guards = new HttpServerGuards(workerThreads, intProperty(pc, "http.idle-timeout-seconds"),
                intProperty(pc, "http.header-timeout-seconds"), intProperty(pc, "http.keep-alive-timeout-seconds"),
                intProperty(pc, "http.body-timeout-seconds"),
                intProperty(pc, "http.max-connections"));
        registry.bind("vertx", guards.vertx());
        registry.bind("httpServerGuards", guards);
    }

    /**
     * The spend ledger and budgets: the database (H2 under DATA_DIR, or DATABASE_URL's PostgreSQL) migrated by Flyway,
     * what the spend routes (routes/spend.yaml) and the generation route call. A database that cannot be opened stops
     * the start with the reason.
     */
    private static void bindSpend(CamelContext context, PropertiesComponent pc, GatewayMetrics metrics) {
        Registry registry = context.getRegistry();
        Path dataDir = Path.of(pc.resolveProperty("data.dir").map(String::trim).orElse("data"));
        createDirectory(dataDir);
        dev.imagegateway.spend.SpendDatabase database = dev.imagegateway.spend.SpendDatabase.open(
                pc.resolveProperty("database.url").orElse(""), pc.resolveProperty("database.username").orElse(""),
                pc.resolveProperty("database.password").orElse(""), dataDir, intProperty(pc, "database.pool-size"),
                longProperty(pc, "database.connect-timeout-ms"));
        registry.bind("spendDataSource", database.dataSource());
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                database.close();
            }
        });
        java.time.Clock clock = registry.lookupByNameAndType("gatewayClock", java.time.Clock.class);
        if (clock == null) {
            clock = java.time.Clock.systemUTC();
            registry.bind("gatewayClock", clock);
        }
        java.time.ZoneId zone = java.time.ZoneId.of(pc.resolveProperty("budget.timezone").map(String::trim).filter(z -> !z.isEmpty()).orElse("UTC"));
        // the embedded database's last half second of rows, if a crash kept them from its file
        dev.imagegateway.spend.LedgerWriteAhead writeAhead = database.embedded() ? new dev.imagegateway.spend.LedgerWriteAhead(dataDir) : null;
        if (writeAhead != null) {
            database.replay(writeAhead.rowsToReplay());
        }
        // and rows a database outage left in the journal, so that the recount below counts them
        dev.imagegateway.spend.LedgerJournal journal = new dev.imagegateway.spend.LedgerJournal(dataDir.resolve("ledger-journal.jsonl"));
        journal.replay(row -> {
            try {
                database.replay(java.util.List.of(row));
            } catch (IllegalStateException e) {
                throw new dev.imagegateway.spend.SpendSql.SpendStoreException("ledger-insert", e);
            }
        });
        if (booleanProperty(pc, "budget.recount-at-start", true)) {
            database.recountBudgets(clock.instant());
        }
        dev.imagegateway.spend.SpendSql sql = new dev.imagegateway.spend.SpendSql(context);
        registry.bind("spendSql", sql);
        registry.bind("spendDatabaseHealthCheck", new dev.imagegateway.spend.SpendDatabaseHealthCheck(sql, database.description()));
        KeyRing keys = registry.lookupByNameAndType("keyRing", KeyRing.class);
        // a reservation is given back by the sweep once its call cannot be in flight any more (its instance was killed)
        dev.imagegateway.spend.Budgets budgets = new dev.imagegateway.spend.Budgets(sql, clock, zone, metrics).withKeys(keys)
                .on(database.dataSource()).holdingFor(java.time.Duration.ofMillis(longProperty(pc, "upstream.call-timeout-ms")
                        + longProperty(pc, "images.save-timeout-ms") + 60_000));
        registry.bind("budgets", budgets);
        // several instances on one database: requests per minute counted there, one allowance for all
        dev.imagegateway.spend.SharedRateLimit sharedRate = new dev.imagegateway.spend.SharedRateLimit(sql, clock);
        registry.bind("sharedRateLimit", sharedRate);
        boolean limitsShared = booleanProperty(pc, "keys.limits-shared", false);
        dev.imagegateway.spend.SharedConcurrency slots = new dev.imagegateway.spend.SharedConcurrency(database.dataSource(), sql, clock,
                instanceId(pc), java.time.Duration.ofSeconds(30), limitsShared);
        registry.bind("sharedConcurrency", slots);
        if (limitsShared) {
            registry.lookupByNameAndType("keyLimiter", KeyLimiter.class).shareWith(sharedRate);
            // and one count of each key's calls in flight (concurrency=), given back by the others when an instance stops
            registry.lookupByNameAndType("keyLimiter", KeyLimiter.class).shareSlotsWith(slots);
        }
        registry.bind("spendGuard", new dev.imagegateway.spend.SpendGuard(budgets,
                registry.lookupByNameAndType("deploymentPlanner", dev.imagegateway.provider.DeploymentPlanner.class),
                registry.lookupByNameAndType("modelCatalog", dev.imagegateway.models.ModelCatalogSource.class)));
        registry.bind("spendLedger", new dev.imagegateway.spend.SpendLedger(sql, budgets,
                journal, metrics, writeAhead, database));
        registry.bind("usageReport", new dev.imagegateway.spend.UsageReport(sql, budgets, keys, zone));
    }

    private static void bindInbox(CamelContext context, GatewaySettings settings, PropertiesComponent pc, GatewayMetrics metrics) {
        Path inbox = Path.of(settings.inboxEnabled() ? settings.inboxDir() : "inbox");
        Registry registry = context.getRegistry();
        InboxLineRecorder recorder = new InboxLineRecorder(metrics);
        ActiveBatches active = new ActiveBatches();
        registry.bind("inboxBatchView", new InboxBatchView(inbox, settings.inboxEnabled(), active));
        registry.bind("inboxBatchStarter", new InboxBatchStarter(inbox, active, longProperty(pc, "inbox.max-file-bytes")));
        registry.bind("inboxLineReader", new InboxLineReader(recorder,
                registry.lookupByNameAndType("imageFilenameBean", ImageFilenameBean.class),
                registry.lookupByNameAndType("imageStore", dev.imagegateway.gallery.ImageStore.class)));
        registry.bind("inboxLineRecorder", recorder);
        registry.bind("inboxBatchReporter", new InboxBatchReporter(inbox, active));
        registry.bind("inboxFileRejecter", new InboxFileRejecter(inbox, active));
        registry.bind("inboxEntryGuard", new dev.imagegateway.inbox.InboxEntryGuard(inbox.toAbsolutePath().normalize()));
        // the bound on lines generated at once, across all files; Camel shuts it down with the context
        registry.bind("inboxLinePool", context.getExecutorServiceManager()
                .newFixedThreadPool(GatewayBootstrap.class, "inbox-line", intProperty(pc, "inbox.concurrency")));
        bindInboxQueue(context, settings, pc, metrics, inbox, recorder);
    }

    /**
     * Several instances (KAFKA_BOOTSTRAP): each inbox line a record on one topic every instance consumes, each line's
     * claim in the shared database (routes/inbox-queue.yaml). Without it the inbox stays on this instance.
     */
    private static void bindInboxQueue(CamelContext context, GatewaySettings settings, PropertiesComponent pc, GatewayMetrics metrics,
                                       Path inbox, InboxLineRecorder localRecorder) {
        Registry registry = context.getRegistry();
        String bootstrap = pc.resolveProperty("kafka.bootstrap").map(String::trim).orElse("");
        boolean queued = settings.inboxEnabled() && !bootstrap.isEmpty();
        pc.addOverrideProperty("gateway.inbox-queued", Boolean.toString(queued));
        pc.addOverrideProperty("gateway.inbox-mode", queued ? "queued" : "local");
        // camel-kafka refuses an endpoint without brokers even in a route that never starts (the queued routes, off)
        pc.addOverrideProperty("gateway.kafka-brokers", queued ? bootstrap : "kafka-not-configured:9092");
        // a line is taken over from an instance that stopped only once it cannot still be running there: past its call's
        // deadline and its image's save
        long minimumLease = longProperty(pc, "upstream.call-timeout-ms") + longProperty(pc, "images.save-timeout-ms") + 5_000;
        String configuredLease = pc.resolveProperty("inbox.line-lease-ms").map(String::trim).orElse("");
        long lease = configuredLease.isEmpty() ? minimumLease + 25_000 : Long.parseLong(configuredLease);
        if (lease < minimumLease) {
            throw new IllegalArgumentException("INBOX_LINE_LEASE_MS must be at least " + minimumLease + " ms (UPSTREAM_CALL_TIMEOUT_MS "
                    + "+ IMAGES_SAVE_TIMEOUT_MS + 5 s): a shorter lease could let two instances generate one line");
        }
        // a consumer may wait out a stopped instance's lease on a line, then generate it (at most the lease again)
        pc.addOverrideProperty("gateway.inbox-max-poll-interval-ms", Long.toString(2 * lease + 60_000));
        long session = longProperty(pc, "kafka.session-timeout-ms");
        pc.addOverrideProperty("gateway.kafka-heartbeat-ms", Long.toString(Math.max(500, session / 3)));
        String instance = instanceId(pc);
        java.time.Clock clock = registry.lookupByNameAndType("gatewayClock", java.time.Clock.class);
        dev.imagegateway.inbox.InboxQueue queue = new dev.imagegateway.inbox.InboxQueue(
                registry.lookupByNameAndType("spendSql", dev.imagegateway.spend.SpendSql.class), clock, instance, lease);
        java.util.Properties client = new java.util.Properties();
        if (queued) {
            client.put("bootstrap.servers", bootstrap);
            // the camel-kafka component's own security settings (camel.component.kafka.*) apply to the topic's admin client too
            org.apache.camel.component.kafka.KafkaComponent kafka = context.getComponent("kafka", org.apache.camel.component.kafka.KafkaComponent.class);
            kafka.getConfiguration().createProducerProperties().forEach((k, v) -> {
                String name = k.toString();
                if (name.startsWith("security.") || name.startsWith("ssl.") || name.startsWith("sasl.")) {
                    client.put(k, v);
                }
            });
        }
        dev.imagegateway.inbox.InboxQueueTopic topic = new dev.imagegateway.inbox.InboxQueueTopic(client,
                pc.resolveProperty("inbox.topic").orElseThrow(), intProperty(pc, "inbox.topic-partitions"), queued);
        registry.bind("inboxQueueTopic", topic);
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                topic.close();
            }
        });
        dev.imagegateway.inbox.QueuedLineRecorder recorder = new dev.imagegateway.inbox.QueuedLineRecorder(queue, metrics);
        registry.bind("inboxQueue", queue);
        registry.bind("inboxQueueOpener", new dev.imagegateway.inbox.InboxQueueOpener(inbox, queue, longProperty(pc, "inbox.max-file-bytes"), topic));
        registry.bind("inboxQueueRecord", new dev.imagegateway.inbox.InboxQueueRecord());
        registry.bind("inboxQueueRetryLater", new dev.imagegateway.inbox.InboxQueueRetryLater());
        registry.bind("queuedLineRecorder", recorder);
        registry.bind("queuedLineReader", new dev.imagegateway.inbox.QueuedLineReader(queue,
                registry.lookupByNameAndType("imageFilenameBean", ImageFilenameBean.class),
                registry.lookupByNameAndType("imageStore", dev.imagegateway.gallery.ImageStore.class), recorder));
        registry.bind("queuedBatchReporter", new dev.imagegateway.inbox.QueuedBatchReporter(inbox, queue));
        if (!queued) {
            return;
        }
        registry.bind("inboxQueueHealthCheck", new dev.imagegateway.inbox.InboxQueueHealthCheck(topic));
        // the consumers start once the topic is there (made with its partitions, not by a first read)
        topic.onceReady(() -> {
            try {
                context.getRouteController().startRoute("inbox-queue");
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the inbox queue's consumers", e);
            }
        });
        registry.lookupByNameAndType("inboxBatchView", InboxBatchView.class).sharedWith(queue);
        LOG.info("Inbox lines go through Kafka topic {} at {} (instance {}; a stopped instance's line is taken over after {} s)",
                pc.resolveProperty("inbox.topic").orElseThrow(), bootstrap, instance, lease / 1000);
    }

    /** INSTANCE_ID, else the host name and process id (resolved once: the same for every shared piece). */
    private static String instanceId(PropertiesComponent pc) {
        String id = pc.resolveProperty("instance.id").map(String::trim).filter(i -> !i.isEmpty()).orElse("");
        if (id.isEmpty()) {
            id = defaultInstanceId();
            pc.addOverrideProperty("instance.id", id);
        }
        return id;
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "gateway";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /**
     * The model catalog (the jar's models.yaml, or MODELS_FILE), what serves GET /v1/models, and the watch that compares
     * the catalog with the upstream's own model list. A catalog that cannot be read, or an IMAGE_MODEL it cannot serve,
     * stops the start with the reason.
     */
    private static void bindModels(Registry registry, GatewaySettings settings, PropertiesComponent pc, GatewayMetrics metrics,
                                   java.util.Set<String> providers) {
        String file = pc.resolveProperty("models.file").map(String::trim).orElse("");
        ModelCatalogSource catalogs = new ModelCatalogSource(file.isEmpty() ? null : Path.of(file), providers, settings.model());
        registry.bind("modelCatalog", catalogs);
        ModelCatalog catalog = catalogs.catalog();
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        String model = catalogs.defaultModel();
        ModelEntry configured = catalog.find(model);
        if (configured == null) {
            if (!booleanProperty(pc, "models.passthrough", true)) {
                throw new IllegalArgumentException("IMAGE_MODEL '" + model + "' is not in the model catalog ("
                        + catalog.source() + ") and MODELS_PASSTHROUGH is false");
            }
            LOG.warn("IMAGE_MODEL '{}' is not in the model catalog: served as it is named, with generic checks only", model);
        } else {
            Lifecycle life = configured.lifecycle();
            ModelEntry served = catalog.servedBy(configured, today);
            if (served == null) {
                throw new IllegalArgumentException("IMAGE_MODEL '" + model + "' is shut down and the catalog refuses it; "
                        + "choose another model");
            }
            if (life.state() == Lifecycle.State.DEPRECATED && served == configured) {
                LOG.warn("Default model '{}' is deprecated: it shuts down on {}{}", model, life.shutdown(),
                        life.replacement() != null ? ", then " + life.replacement() + " serves its requests" : ", then its requests are refused");
            } else if (served != configured) {
                LOG.warn("Default model '{}' is shut down{}: {} serves its requests", model,
                        life.shutdown() != null ? " (" + life.shutdown() + ")" : "", served.name());
            }
        }
        LOG.debug("Default model: {}{}", model, catalogs.defaultIsConfigured() ? " (IMAGE_MODEL)" : " (the catalog's default)");
        registry.bind("openAiModelsResponder", new ModelsResponder(catalogs, java.time.Clock.systemUTC()));
        boolean watch = GatewaySettings.OPENAI.equals(settings.provider()) && booleanProperty(pc, "models.watch-enabled", true);
        pc.addOverrideProperty("gateway.model-watch-enabled", Boolean.toString(watch));
        pc.addOverrideProperty("gateway.models-url", settings.openAiBaseUrl() + "/models");
        pc.addOverrideProperty("gateway.model-watch-period-ms",
                Long.toString(Math.max(1, longProperty(pc, "models.watch-interval-hours")) * 3_600_000L));
        registry.bind("modelWatch", new ModelWatch(catalogs, settings.openAiApiKey(), GatewaySettings.OPENAI,
                intProperty(pc, "models.watch-warn-days"), metrics, java.time.Clock.systemUTC()));
    }

    /**
     * The providers this gateway has: one route file each, {@code routes/provider-<name>.yaml} (and its package
     * under dev.imagegateway.provider). The catalog may name these and no others.
     */
    static java.util.Set<String> providerNames(CamelContext context) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        String folder = "routes/";
        String prefix = "provider-";
        try {
            // the folder's entries read directly (Camel's classpath scan walks the whole jar, half a second a pattern)
            var urls = GatewayBootstrap.class.getClassLoader().getResources(folder);
            while (urls.hasMoreElements()) {
                java.net.URL url = urls.nextElement();
                if ("jar".equals(url.getProtocol())) {
                    java.net.JarURLConnection jar = (java.net.JarURLConnection) url.openConnection();
                    jar.setUseCaches(false);
                    try (java.util.jar.JarFile file = jar.getJarFile()) {
                        file.stream().map(java.util.jar.JarEntry::getName)
                                .filter(n -> n.startsWith(folder + prefix) && n.endsWith(".yaml") && n.indexOf('/', folder.length()) < 0)
                                .forEach(n -> names.add(n.substring(folder.length() + prefix.length(), n.length() - ".yaml".length())));
                    }
                } else if ("file".equals(url.getProtocol())) {
                    try (var files = Files.list(Path.of(url.toURI()))) {
                        files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".yaml"))
                                .forEach(n -> names.add(n.substring(prefix.length(), n.length() - ".yaml".length())));
                    }
                }
            }
        } catch (IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("Cannot list the provider route files (routes/provider-*.yaml)", e);
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("No provider route file (routes/provider-*.yaml) found");
        }
        return names;
    }

    private static boolean booleanProperty(PropertiesComponent pc, String key, boolean fallback) {
        String value = pc.resolveProperty(key).map(String::trim).orElse("");
        if (value.isEmpty()) {
            return fallback;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("Setting " + key + " must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static int intProperty(PropertiesComponent pc, String key) {
        return (int) longProperty(pc, key);
    }

    private static long longProperty(PropertiesComponent pc, String key) {
        String value = pc.resolveProperty(key).map(String::trim)
                .orElseThrow(() -> new IllegalArgumentException("Missing setting " + key));
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting " + key + " must be a whole number, not '" + value + "'");
        }
    }

    /**
     * Images are written as {@code .writing-<name>} and renamed when complete; one left behind was cut short by a
     * crash. Nothing writes before the routes start, so any found now is garbage.
     */
    private static void removeUnfinishedWrites(Path dir) {
        try (var files = Files.newDirectoryStream(dir, ".writing-*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
                LOG.info("Removed {}, an image write a crash cut short", file.getFileName());
            }
        } catch (IOException e) {
            LOG.warn("Cannot clean unfinished writes in {}: {}", dir, e.getMessage());
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create images directory " + dir.toAbsolutePath(), e);
        }
    }
}
