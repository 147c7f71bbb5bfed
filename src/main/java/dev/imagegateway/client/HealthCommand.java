package dev.imagegateway.client;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.github.cdimascio.dotenv.Dotenv;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A gRPC health probe, as grpc_health_probe is: asks the gateway's {@code grpc.health.v1.Health/Check} and exits 0 when
 * it is SERVING, 1 otherwise. For a container's health check or a script waiting for the gateway.
 */
@Command(name = "health", mixinStandardHelpOptions = true, description = "Ask the gateway's gRPC health service whether it is serving.")
public class HealthCommand implements Callable<Integer> {

    @Option(names = "--server", description = "host:port of the gateway (default: SERVER_ADDRESS, else localhost:50051).")
    String server;

    @Option(names = "--service", defaultValue = "", description = "A service name, or empty for the whole server.")
    String service;

    @Option(names = "--timeout", defaultValue = "5", description = "Seconds to wait (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        Dotenv env = Dotenv.configure().ignoreIfMissing().load();
        String target = server != null && !server.isBlank() ? server
                : env.get("SERVER_ADDRESS") != null && !env.get("SERVER_ADDRESS").isBlank() ? env.get("SERVER_ADDRESS") : "localhost:50051";
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            HealthCheckResponse.ServingStatus status = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
            System.out.println(status);
            return status == HealthCheckResponse.ServingStatus.SERVING ? 0 : 1;
        } catch (StatusRuntimeException e) {
            System.out.println("Error: " + e.getStatus().getCode() + " - " + e.getStatus().getDescription());
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }
}
