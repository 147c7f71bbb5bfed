package dev.imagegateway.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.apache.camel.component.grpc.GrpcConsumer;
import org.apache.camel.component.grpc.server.BindableServiceFactory;
import org.apache.camel.component.grpc.server.DefaultBindableServiceFactory;

/**
 * A request message that is not valid protobuf is the client's mistake: INVALID_ARGUMENT. grpc-java parses requests
 * before any interceptor sees them and answers a parse failure UNKNOWN ("Application error processing RPC"); so the
 * service camel-grpc binds is served with raw message streams ({@link ServerInterceptors#useInputStreamMessages}),
 * which moves the parse into the call's listener, where this guard catches it. Bound as camel-grpc's
 * {@code grpcBindableServiceFactory}.
 */
public class MalformedRequestGuard implements BindableServiceFactory {

    @Override
    public BindableService createBindableService(GrpcConsumer consumer) {
        BindableService service = new DefaultBindableServiceFactory().createBindableService(consumer);
        return () -> ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service.bindService()), new Guard());
    }

    /** Not a bean of its own: camel-grpc would also install every ServerInterceptor bean on typed calls. */
    private static final class Guard implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                try {
                    super.onMessage(message);
                } catch (StatusRuntimeException e) {
                    if (!(e.getCause() instanceof InvalidProtocolBufferException)) {
                        throw e;
                    }
                    refused = true;
                    call.close(Status.INVALID_ARGUMENT.withDescription("The request is not a valid ImageRequest message"), new Metadata());
                }
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose(); // else the unary handler would close the call a second time
                }
            }
        };
    }
    }
}
