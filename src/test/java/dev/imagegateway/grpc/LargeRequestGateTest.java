package dev.imagegateway.grpc;

import java.util.ArrayList;
import java.util.List;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request messages are read a few at a time: a call past the permits is not read until another's message has come. */
class LargeRequestGateTest {

    /** A call that records what the gate lets through. */
    private static final class Call extends ServerCall<String, String> {
        final List<Integer> requested = new ArrayList<>();
        volatile Status closed;

        @Override
        public void request(int numMessages) {
            requested.add(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(String message) {
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closed = status;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public MethodDescriptor<String, String> getMethodDescriptor() {
            MethodDescriptor.Marshaller<String> text = new MethodDescriptor.Marshaller<>() {
                @Override
                public java.io.InputStream stream(String value) {
                    return new java.io.ByteArrayInputStream(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }

                @Override
                public String parse(java.io.InputStream stream) {
                    return "";
                }
            };
            return MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("imagegeneration.ImageGenerationService/EditImage").setRequestMarshaller(text)
                    .setResponseMarshaller(text).build();
        }
    }

    /** What grpc-java's handler does at the start of a call: ask for the request message. */
    private static ServerCall.Listener<String> start(LargeRequestGate gate, Call call) {
        ServerCallHandler<String, String> handler = (c, headers) -> {
            c.request(2);
            return new ServerCall.Listener<>() {
            };
        };
        return gate.interceptCall(call, new Metadata(), handler);
    }

    @Test
    void aCallPastThePermitsIsReadOnlyWhenAnotherMessageHasArrived() {
        LargeRequestGate gate = new LargeRequestGate(2, 30);
        Call first = new Call();
        Call second = new Call();
        Call third = new Call();
        ServerCall.Listener<String> firstListener = start(gate, first);
        start(gate, second);
        ServerCall.Listener<String> thirdListener = start(gate, third);
        assertEquals(List.of(2), first.requested);
        assertEquals(List.of(2), second.requested);
        assertTrue(third.requested.isEmpty(), "the third call waits, its message unread");
        firstListener.onMessage("the first edit's images");
        assertEquals(List.of(2), third.requested, "the first message arrived: the third call is read now");
        // a call that ends gives back its permit; a later call is read at once
        thirdListener.onCancel();
        Call fourth = new Call();
        start(gate, fourth);
        assertEquals(List.of(2), fourth.requested);
    }

    @Test
    void aCallThatDoesNotFinishSendingIsClosed() throws Exception {
        LargeRequestGate gate = new LargeRequestGate(1, 1);
        Call slow = new Call();
        start(gate, slow);
        long until = System.currentTimeMillis() + 3000;
        while (slow.closed == null && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        assertEquals(Status.Code.DEADLINE_EXCEEDED, slow.closed.getCode());
    }
}
