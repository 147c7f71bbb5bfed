package dev.imagegateway.routes;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.Status;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One access-log line per request over each door, with key name, size, status and filename, no prompt, no key. */
class AccessLogTest extends StubbedGatewayTestSupport {

    private static final List<String> lines = new CopyOnWriteArrayList<>();

    static {
        // installed before the gateway starts, as the gateway's own logging is set up then
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        AbstractAppender capture = new AbstractAppender("access-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (String.valueOf(event.getLoggerName()).endsWith("access")) {
                    lines.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        logging.getConfiguration().getRootLogger().addAppender(capture, Level.INFO, null);
        logging.updateLoggers();
    }

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "0");
    }

    @AfterAll
    static void stopCapture() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        logging.getConfiguration().getRootLogger().removeAppender("access-capture");
        logging.updateLoggers();
    }

    private String awaitLine(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (lines.size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, lines.size(), lines.toString());
        return lines.get(count - 1);
    }

    @Test
    void eachRequestGetsOneLine() throws Exception {
        lines.clear();
        upstream().answerImage(UpstreamStub.png(4, 4));
        Doors.Outcome ok = doors().rest("a very private prompt");
        String line = awaitLine(1);
        assertTrue(line.matches("request_id=\\S+ door=rest key=env-1 size=1024x1024 status=200 latency_ms=\\d+ model=gpt-image-2.6-flare "
                + "provider=openai deployment=openai filename=" + ok.filename()), line);

        assertEquals(Status.Code.OK, doors().grpc("another private prompt", 5000).grpcCode());
        assertTrue(awaitLine(2).contains("door=grpc key=env-1 size=1024x1024 status=OK"), lines.get(1));

        try (Doors wrong = new Doors(httpPort(), grpcPort(), "wrong-key")) {
            wrong.rest("x");
            assertTrue(awaitLine(3).contains("door=rest key=- size=- status=401"), lines.get(2));
            assertTrue(lines.get(2).contains("model=- provider=- deployment=-"), "a refused request names no one: " + lines.get(2));
            wrong.grpc("x", 5000);
            assertTrue(awaitLine(4).contains("door=grpc key=- size=- status=PERMISSION_DENIED"), lines.get(3));
        }
        upstream().answerJson(500, UpstreamStub.error("down", null));
        doors().grpc("x", 5000);
        assertTrue(awaitLine(5).contains("status=UNAVAILABLE"), lines.get(4));

        for (String each : lines) {
            assertFalse(each.contains("private prompt"), each);
            assertFalse(each.contains(KEY) || each.contains(SECOND_KEY) || each.contains("wrong-key"), each);
        }
    }
}
