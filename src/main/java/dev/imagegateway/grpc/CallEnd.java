package dev.imagegateway.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.ServerCall;

/**
 * When a gRPC call is over for the server: its status has been written to the client (onComplete) or it was cancelled
 * (onCancel). Not when the handler closed it: close() only queues the reply, which still holds its bytes.
 */
final class CallEnd {

    private CallEnd() {
    }

    /** {@code listener}, which also runs {@code ended} once the call is over, however it ended. */
    static <Q> ServerCall.Listener<Q> then(ServerCall.Listener<Q> listener, Runnable ended) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    ended.run();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    ended.run();
                }
            }
        };
    }
}
