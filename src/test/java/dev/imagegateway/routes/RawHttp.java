package dev.imagegateway.routes;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP/1.1 over a raw socket, for clients no HTTP library plays: one that reads a reply slowly, or not at all. */
final class RawHttp {

    private RawHttp() {
    }

    /** A connection with a 32 KB receive window on which {@code POST /generate} has been sent. */
    static Socket postGenerate(int port, String key, String prompt) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(32 * 1024);
        socket.connect(new InetSocketAddress("localhost", port));
        socket.setSoTimeout(20_000);
        byte[] body = ("{\"prompt\":\"" + prompt + "\"}").getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /generate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-API-KEY: " + key
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    /** The status line and headers, to the blank line. */
    static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "closed in the headers: " + head);
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Reads a chunked body to its last chunk, 64 KB at a time with a pause between reads; answers its length. */
    static long readChunkedBody(InputStream in, long pauseMs) throws Exception {
        DataInputStream data = new DataInputStream(in);
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        while (true) {
            int size = Integer.parseInt(chunkLine(data).trim(), 16);
            if (size == 0) {
                chunkLine(data);
                return read;
            }
            for (int left = size; left > 0; ) {
                int n = Math.min(left, buffer.length);
                data.readFully(buffer, 0, n);
                left -= n;
                read += n;
                if (pauseMs > 0 && read % buffer.length < n) {
                    Thread.sleep(pauseMs);
                }
            }
            chunkLine(data);
        }
    }

    private static String chunkLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            assertTrue(b >= 0, "closed in the middle of the reply");
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
