package dev.imagegateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for servers the tests start, below the kernel's ephemeral range (32768-60999 on Linux): a port picked
 * from that range can be taken as the source port of any outgoing connection (a database pool, an S3 client) before
 * the server binds it.
 */
public final class TestPorts {

    private TestPorts() {
    }

    public static int free() {
        for (int tries = 0; tries < 1000; tries++) {
            int port = ThreadLocalRandom.current().nextInt(15000, 32000);
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IllegalStateException("no free port between 15000 and 32000");
    }
}
