package dev.imagegateway.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstreams that lie or stall, played by a raw socket: a reply announcing gigabytes is cut off without allocating them
 * (502), and an upstream that drips a byte at a time, in its headers or in its body, is given up at the attempt's
 * deadline (504 / DEADLINE_EXCEEDED) however often it sends a byte. The heap stays where it was.
 */
class HostileUpstreamTest extends GatewayTestSupport {

    private enum Mode { LIE_ABOUT_LENGTH, DRIP_BODY, DRIP_HEADERS }

    private static volatile Mode mode = Mode.LIE_ABOUT_LENGTH;
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final ServerSocket UPSTREAM = open();

    private static ServerSocket open() {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread handler = new Thread(() -> serve(socket), "hostile-upstream");
                        handler.setDaemon(true);
                        handler.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "hostile-upstream-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            readRequest(in);
            CALLS.incrementAndGet();
            switch (mode) {
                case LIE_ABOUT_LENGTH -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n"
                            + "{\"data\":[{\"b64_json\":\"iVBORw0KGgo").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(30_000);
                }
                case DRIP_BODY -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    drip(out, "{\"data\":[{\"b64_json\":\"" + "A".repeat(1000));
                }
                case DRIP_HEADERS -> drip(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + "a".repeat(1000));
            }
        } catch (IOException | InterruptedException e) {
            // the gateway hung up: what it should do
        }
    }

    private static void drip(OutputStream out, String text) throws IOException, InterruptedException {
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
            out.flush();
            Thread.sleep(100);
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        String text = head.toString().toLowerCase();
        int at = text.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).trim());
            in.readNBytes(length);
        }
    }

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("openai.api-key", "sk-test-hostile");
        p.setProperty("openai.base-url", "http://127.0.0.1:" + UPSTREAM.getLocalPort() + "/v1");
        p.setProperty("upstream.retries", "2");
        p.setProperty("upstream.retry-initial-delay-ms", "10");
        p.setProperty("upstream.response-timeout-ms", "20000");
        p.setProperty("upstream.attempt-timeout-ms", "1500");
        return p;
    }

    @AfterAll
    static void closeUpstream() throws IOException {
        UPSTREAM.close();
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void aReplyAnnouncingGigabytesIsCutOffUnread() throws Exception {
        mode = Mode.LIE_ABOUT_LENGTH;
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            long before = usedHeap();
            long started = System.currentTimeMillis();
            Doors.Outcome rest = doors.rest("x");
            assertEquals(502, rest.httpStatus(), rest.message());
            assertTrue(rest.message().contains("too large"), rest.message());
            assertTrue(System.currentTimeMillis() - started < 3000, "answered at once, without reading on");
            assertTrue(usedHeap() - before < 200L * 1024 * 1024, "nothing of the announced size was allocated");
        }
    }

    @Test
    void anUpstreamDrippingItsBodyIsGivenUpAtTheAttemptDeadline() throws Exception {
        mode = Mode.DRIP_BODY;
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            CALLS.set(0);
            long started = System.currentTimeMillis();
            Doors.Outcome rest = doors.rest("x");
            long took = System.currentTimeMillis() - started;
            assertEquals(504, rest.httpStatus(), rest.message());
            assertTrue(took >= 1400 && took < 4000, "took " + took + " ms");
            assertEquals(1, CALLS.get(), "a timed-out attempt is not repeated");
            Doors.Outcome grpc = doors.grpc("x", 20_000);
            assertEquals(Status.Code.DEADLINE_EXCEEDED, grpc.grpcCode(), grpc.message());
        }
    }

    @Test
    void anUpstreamDrippingItsHeadersIsGivenUpAtTheAttemptDeadline() throws Exception {
        mode = Mode.DRIP_HEADERS;
        try (Doors doors = new Doors(httpPort(), grpcPort(), KEY)) {
            long started = System.currentTimeMillis();
            Doors.Outcome rest = doors.rest("x");
            long took = System.currentTimeMillis() - started;
            assertEquals(504, rest.httpStatus(), rest.message());
            assertTrue(took >= 1400 && took < 4000, "took " + took + " ms");
        }
    }
}
