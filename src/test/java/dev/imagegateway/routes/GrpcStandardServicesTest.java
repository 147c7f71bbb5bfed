package dev.imagegateway.routes;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standard gRPC health and reflection services on the door's port, through grpc-java's own stubs. */
class GrpcStandardServicesTest extends StubbedGatewayTestSupport {

    private ManagedChannel channel;

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
    }

    @BeforeAll
    void open() {
        channel = NettyChannelBuilder.forAddress("localhost", grpcPort()).usePlaintext().build();
    }

    @AfterAll
    void close() {
        channel.shutdownNow();
    }

    private HealthCheckResponse.ServingStatus check(String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    @Test
    void healthFollowsReadiness() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (check("") != HealthCheckResponse.ServingStatus.SERVING && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, check(""));
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, check("imagegeneration.ImageGenerationService"));

        // Watch sees the images folder go away and come back, as /observe/health does
        List<HealthCheckResponse.ServingStatus> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch down = new CountDownLatch(1);
        CountDownLatch upAgain = new CountDownLatch(1);
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().build(), new StreamObserver<>() {
            @Override
            public void onNext(HealthCheckResponse response) {
                seen.add(response.getStatus());
                if (response.getStatus() == HealthCheckResponse.ServingStatus.NOT_SERVING) {
                    down.countDown();
                } else if (down.getCount() == 0) {
                    upAgain.countDown();
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        java.nio.file.Path moved = imagesDir.resolveSibling(imagesDir.getFileName() + "-away");
        java.nio.file.Files.move(imagesDir, moved);
        try {
            assertTrue(down.await(10, TimeUnit.SECONDS), "NOT_SERVING while the images folder is gone: " + seen);
        } finally {
            java.nio.file.Files.move(moved, imagesDir);
        }
        assertTrue(upAgain.await(10, TimeUnit.SECONDS), "SERVING again: " + seen);
    }

    @Test
    void reflectionDescribesTheDoorWithoutTheProto() throws Exception {
        AtomicReference<ServerReflectionResponse> listed = new AtomicReference<>();
        AtomicReference<ServerReflectionResponse> file = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse response) {
                if (response.hasListServicesResponse()) {
                    listed.set(response);
                } else {
                    file.set(response);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol("imagegeneration.ImageGenerationService").build());
        requests.onCompleted();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        List<String> services = listed.get().getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList();
        assertTrue(services.contains("imagegeneration.ImageGenerationService"), services.toString());
        assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
        assertTrue(file.get().hasFileDescriptorResponse(), file.get().toString());
        assertTrue(file.get().getFileDescriptorResponse().getFileDescriptorProto(0).toStringUtf8().contains("GenerateImage"));
    }

    @Test
    void theOlderReflectionVersionIsServedToo() throws Exception {
        AtomicReference<io.grpc.reflection.v1alpha.ServerReflectionResponse> listed = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests = io.grpc.reflection.v1alpha.ServerReflectionGrpc
                .newStub(channel).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse response) {
                        listed.set(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(listed.get().getListServicesResponse().getServiceList().stream()
                .anyMatch(s -> s.getName().equals("imagegeneration.ImageGenerationService")), listed.get().toString());
    }
}
