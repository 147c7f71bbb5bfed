package dev.imagegateway.grpc;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.util.MutableHandlerRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.component.grpc.GrpcConsumer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard gRPC services beside the seed's, on the same port: {@code grpc.health.v1.Health} (Check and Watch; SERVING
 * exactly while {@code /observe/health} is UP, for Kubernetes gRPC probes and load balancers) and server reflection
 * ({@code grpc.reflection.v1} and {@code v1alpha}, so grpcurl and Postman work without the proto; off with
 * GRPC_REFLECTION=false).
 * <p>
 * camel-grpc builds its server with the one service of its route and no hook for others; grpc-java looks up a method
 * it does not know in the server's fallback registry, so that registry is set, once the consumer has built its server,
 * to one that holds these services. (Pinned to camel-grpc 4.17 and grpc-java 1.78, whose field names it uses; a test
 * checks both services through grpc-java's own stubs.)
 */
public class StandardGrpcServices {

    private static final Logger LOG = LoggerFactory.getLogger(StandardGrpcServices.class);
    private static final String DOOR = "imagegeneration.ImageGenerationService";

    private final HealthStatusManager health = new HealthStatusManager();
    private final boolean reflection;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "grpc-health");
        thread.setDaemon(true);
        return thread;
    });

    public StandardGrpcServices(boolean reflection) {
        this.reflection = reflection;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        health.setStatus(DOOR, ServingStatus.NOT_SERVING);
    }

    /** Adds the services to the gRPC door's server, and keeps the health status in step with readiness. */
    public void install(CamelContext context, String routeId) {
        Route route = context.getRoute(routeId);
        Consumer consumer = route == null ? null : route.getConsumer();
        if (!(consumer instanceof GrpcConsumer grpc)) {
            LOG.warn("No gRPC door to add the health and reflection services to");
            return;
        }
        MutableHandlerRegistry services = new MutableHandlerRegistry();
        services.addService(health.getHealthService());
        if (reflection) {
            services.addService(ProtoReflectionServiceV1.newInstance());
            services.addService(ProtoReflectionService.newInstance());
        }
        try {
            Server server = (Server) field(GrpcConsumer.class, "server").get(grpc);
            field(server.getClass(), "fallbackRegistry").set(server, services);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Could not add the gRPC health and reflection services: {}", e.toString());
            return;
        }
        refresher.scheduleWithFixedDelay(() -> refresh(context), 0, 2, TimeUnit.SECONDS);
        LOG.debug("gRPC health service on{}", reflection ? ", and server reflection" : "");
    }

    /** SERVING while every readiness check (the same as /observe/health) is UP. */
    void refresh(CamelContext context) {
        try {
            List<HealthCheck.Result> results = List.copyOf(HealthCheckHelper.invokeReadiness(context));
            boolean ready = !results.isEmpty() && results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
            ServingStatus status = ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
            health.setStatus(DOOR, status);
        } catch (RuntimeException e) {
            LOG.debug("Readiness for the gRPC health service could not be read: {}", e.toString());
        }
    }

    /** Shutting down: NOT_SERVING for good, so probes and balancers stop sending calls. */
    public void shutdown() {
        refresher.shutdownNow();
        health.enterTerminalState();
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }
}
