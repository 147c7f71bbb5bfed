package dev.imagegateway.routes;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that would hold the server's resources for ever, played over raw sockets: a client dripping its request
 * headers, an idle one, more connections than the cap, broken chunked framing on HTTP/1.1; and on the gRPC port, an
 * idle connection and the HTTP/2 "rapid reset" flood (HEADERS then RST_STREAM, again and again), which ends in GOAWAY.
 */
class ConnectionLimitsTest extends StubbedGatewayTestSupport {

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("http.idle-timeout-seconds", "6");
        p.setProperty("http.header-timeout-seconds", "2");
        p.setProperty("http.keep-alive-timeout-seconds", "5");
        p.setProperty("http.body-timeout-seconds", "2");
        p.setProperty("http.max-connections", "6");
        p.setProperty("grpc.max-connection-idle-ms", "1500");
        p.setProperty("grpc.max-rst-frames-per-window", "50");
        p.setProperty("grpc.rst-window-seconds", "30");
    }

    private Socket http() throws IOException {
        Socket socket = new Socket("localhost", httpPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Milliseconds until the server closes the socket (or -1 if it did not within the read timeout). */
    private static long msUntilClosed(Socket socket, long since) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever the server says first
            }
            return System.currentTimeMillis() - since;
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            return System.currentTimeMillis() - since; // reset: closed all the same
        }
    }

    @Test
    void aClientDrippingItsHeadersIsCutOff() throws Exception {
        try (Socket socket = http()) {
            long start = System.currentTimeMillis();
            OutputStream out = socket.getOutputStream();
            out.write("POST /generate HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread dripper = new Thread(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(300);
                    }
                } catch (Exception e) {
                    // closed by the server: expected
                }
            });
            dripper.setDaemon(true);
            dripper.start();
            long closed = msUntilClosed(socket, start);
            assertTrue(closed >= 1500 && closed < 5000, "closed after " + closed + " ms although a byte came every 300 ms");
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (Socket socket = http()) {
            long closed = msUntilClosed(socket, System.currentTimeMillis());
            assertTrue(closed >= 1500 && closed < 5000, "closed after " + closed + " ms");
        }
    }

    @Test
    void anUnusedKeptAliveConnectionIsClosedAfterTheKeepAliveTime() throws Exception {
        try (Socket socket = http()) {
            socket.getOutputStream().write("GET /observe/health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String headers = RawHttp.readHeaders(in);
            assertTrue(headers.startsWith("HTTP/1.1 200"), headers);
            long start = System.currentTimeMillis();
            long closed = msUntilClosed(socket, start);
            // the 2 s header timeout applies to a request that has started; an unused connection gets the 5 s keep-alive
            assertTrue(closed >= 4000 && closed < 8000, "closed after " + closed + " ms");
        }
    }

    @Test
    void aCallSlowerThanTheBodyTimeoutIsStillAnswered() throws Exception {
        // the body arrived at once; only the upstream is slow (longer than the 2 s body and header timeouts)
        upstream().answer(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withFixedDelay(3500)
                .withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(UpstreamStub.png(4, 4)))));
        assertEquals(200, doors().rest("slow upstream").httpStatus());
    }

    @Test
    void aLargeReplyToASlowReaderIsNotCutByTheHeaderTimeout() throws Exception {
        // an 8 MB reply to a client with a small receive window: most of it waits in the gateway while the client
        // takes longer than the 2 s header timeout to read it (a keep-alive connection between two requests is not
        // idle while its last reply is still going out)
        try (Socket socket = largeReplyConnection()) {
            Thread.sleep(3500);
            assertTrue(RawHttp.readChunkedBody(socket.getInputStream(), 0) > 8_000_000, "the whole reply arrived");
        }
    }

    @Test
    void theNextRequestAfterALargeReplyReadSlowlyIsAnswered() throws Exception {
        // the client reads the reply at a steady pace for longer than two header timeouts (a busy client: 100 of them
        // share one CPU), then at once sends its next request on the same connection: the time for that request's
        // headers counts from when the reply left, not from when it was handed to the socket
        try (Socket socket = largeReplyConnection()) {
            assertTrue(RawHttp.readChunkedBody(socket.getInputStream(), 40) > 8_000_000, "the whole reply arrived");
            socket.getOutputStream().write("GET /observe/health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = RawHttp.readHeaders(socket.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
        }
    }

    /** A connection on which a 6 MB image (8 MB of base64 JSON) is being answered; its headers have been read. */
    private Socket largeReplyConnection() throws Exception {
        byte[] image = new byte[6_000_000];
        new java.util.Random(7).nextBytes(image);
        System.arraycopy(UpstreamStub.png(1, 1), 0, image, 0, 8);
        upstream().answer(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(java.util.Base64.getEncoder().encodeToString(image))));
        Socket socket = RawHttp.postGenerate(httpPort(), KEY, "big");
        String headers = RawHttp.readHeaders(socket.getInputStream());
        assertTrue(headers.startsWith("HTTP/1.1 200"), headers);
        assertTrue(headers.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked"), headers);
        return socket;
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            // (the server knows a connection once its first bytes tell HTTP/1.1 from HTTP/2; a silent one meets the
            // idle timeout)
            for (int i = 0; i < 6; i++) {
                Socket socket = http();
                socket.getOutputStream().write("GET /observe/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                held.add(socket);
            }
            Thread.sleep(300);
            try (Socket extra = http()) {
                extra.getOutputStream().write("GET /observe/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                long closed = msUntilClosed(extra, System.currentTimeMillis());
                assertTrue(closed >= 0 && closed < 1000, "the seventh connection closed after " + closed + " ms");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        Thread.sleep(300);
        upstream().answerImage(UpstreamStub.png(4, 4));
        assertEquals(200, doors().rest("x").httpStatus(), "served again once they are gone");
    }

    @Test
    void brokenChunkedFramingEndsTheConnection() throws Exception {
        LogCapture log = new LogCapture();
        try {
            sendBrokenFraming();
            // a client's broken request is one line at most, never a stack trace in the gateway's log
            Thread.sleep(300);
            assertEquals(List.of(), log.withStackTraces());
        } finally {
            log.close();
        }
        assertEquals(0, upstreamCalls());
    }

    private void sendBrokenFraming() throws Exception {
        for (String framing : new String[] {
            "Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n",
            "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n{\"a\":1}"}) {
            try (Socket socket = http()) {
                long start = System.currentTimeMillis();
                socket.getOutputStream().write(("POST /generate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "X-API-KEY: " + KEY + "\r\n" + framing).getBytes(StandardCharsets.US_ASCII));
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                InputStream in = socket.getInputStream();
                try {
                    int b;
                    while ((b = in.read()) >= 0) {
                        answer.write(b);
                    }
                } catch (IOException e) {
                    // reset
                }
                long took = System.currentTimeMillis() - start;
                String text = answer.toString(StandardCharsets.US_ASCII);
                assertTrue(took < 3500, "connection ended after " + took + " ms");
                assertTrue(text.isEmpty() || text.startsWith("HTTP/1.1 400"), "no 200 for broken framing: " + text);
                if (framing.startsWith("Content-Length")) {
                    // the body never completes as chunks: its time runs out, and the client is told
                    assertTrue(text.startsWith("HTTP/1.1 400") && text.contains("did not arrive complete"), text);
                }
            }
        }
    }

    // --- gRPC, over raw HTTP/2 frames --------------------------------------------------------------------------------

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
            (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
        out.write(payload);
    }

    /** HPACK: :method POST, :scheme http, :path and content-type, te as literals without indexing. */
    private static byte[] headers() {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x83); // :method POST
        block.write(0x86); // :scheme http
        literal(block, 4, "/imagegeneration.ImageGenerationService/GenerateImage");
        literal(block, 1, "localhost"); // :authority
        literal(block, 31, "application/grpc");
        block.write(0x00);
        string(block, "te");
        string(block, "trailers");
        return block.toByteArray();
    }

    private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
        block.write(nameIndex); // 0000xxxx: literal without indexing, indexed name (index < 15)
        string(block, value);
    }

    private static void string(ByteArrayOutputStream block, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        block.write(bytes.length);
        block.write(bytes, 0, bytes.length);
    }

    /** Reads frames until a GOAWAY; the milliseconds it took, or -1 when the connection ended without one. */
    private static long awaitGoAway(DataInputStream in, long since) throws IOException {
        try {
            while (true) {
                int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte();
                in.readInt();
                in.readNBytes(length);
                if (type == 0x7) {
                    return System.currentTimeMillis() - since;
                }
            }
        } catch (IOException e) {
            return -1;
        }
    }

    private Socket grpc() throws IOException {
        Socket socket = new Socket("localhost", grpcPort());
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(out, 0x4, 0, 0, new byte[0]); // SETTINGS
        out.flush();
        return socket;
    }

    @Test
    void theRapidResetFloodEndsInGoAway() throws Exception {
        try (Socket socket = grpc()) {
            OutputStream out = socket.getOutputStream();
            byte[] headers = headers();
            long start = System.currentTimeMillis();
            Thread flood = new Thread(() -> {
                try {
                    for (int stream = 1; stream < 4000; stream += 2) {
                        frame(out, 0x1, 0x4, stream, headers); // HEADERS, END_HEADERS
                        frame(out, 0x3, 0, stream, new byte[] {0, 0, 0, 8}); // RST_STREAM CANCEL
                    }
                    out.flush();
                } catch (IOException e) {
                    // the server ended the connection: expected
                }
            });
            flood.setDaemon(true);
            flood.start();
            long goAway = awaitGoAway(new DataInputStream(socket.getInputStream()), start);
            assertTrue(goAway >= 0, "no GOAWAY for 2,000 HEADERS+RST_STREAM pairs");
        }
        assertEquals(0, upstreamCalls(), "none of the reset calls reached the upstream");
    }

    @Test
    void anIdleGrpcConnectionIsClosed() throws Exception {
        try (Socket socket = grpc()) {
            long goAway = awaitGoAway(new DataInputStream(socket.getInputStream()), System.currentTimeMillis());
            assertTrue(goAway >= 1000 && goAway < 6000, "GOAWAY after " + goAway + " ms");
        }
    }
}
