package dev.imagegateway.routes;

import java.net.Socket;
import java.util.Base64;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reply's share of the memory budget is held until the client has taken the reply, not only until it was handed to
 * the server: Netty keeps a copy of what a slow reader has not read yet (outside the heap, where nothing else bounds it).
 */
class SlowReaderBudgetTest extends StubbedGatewayTestSupport {

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
        // room for one 13 MB reply (read without a Content-Length, so twice its size while it is read), not two
        p.setProperty("memory.reply-budget-bytes", Integer.toString(36 * 1024 * 1024));
        p.setProperty("memory.reply-budget-wait-ms", "100");
    }

    @Test
    void aReplyNotYetReadKeepsItsShareUntilTheClientTakesIt() throws Exception {
        byte[] image = new byte[10_000_000];
        new java.util.Random(11).nextBytes(image);
        System.arraycopy(UpstreamStub.png(1, 1), 0, image, 0, 8);
        upstream().answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(UpstreamStub.envelope(Base64.getEncoder().encodeToString(image))));
        try (Socket slow = RawHttp.postGenerate(httpPort(), KEY, "slow reader")) {
            // the reply's headers came with its body, in one write: the gateway is done with it, the client is not
            String headers = RawHttp.readHeaders(slow.getInputStream());
            assertTrue(headers.startsWith("HTTP/1.1 200"), headers);

            Doors.Outcome second = doors().rest("while the first is unread");
            assertEquals(503, second.httpStatus(), second.toString());
            assertEquals("1", second.retryAfter(), second.toString());
            assertTrue(second.message().contains("memory"), second.message());

            assertTrue(RawHttp.readChunkedBody(slow.getInputStream(), 0) > 13_000_000, "the whole first reply arrived");
        }
        // taken: its share is back
        Doors.Outcome third = doors().rest("after it was read");
        for (int i = 0; i < 20 && third.httpStatus() == 503; i++) {
            Thread.sleep(100);
            third = doors().rest("after it was read");
        }
        assertEquals(200, third.httpStatus(), third.toString());
    }
}
