package dev.imagegateway.routes;

import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values from outside cannot forge log lines: with prompts in the access log, a prompt holding a newline and a whole
 * fake line stays inside one escaped field, and an inbox file whose name holds a newline is logged on one line. Each
 * event is rendered through the gateway's own console layout, as an operator's log would show it.
 */
class LogInjectionTest extends StubbedGatewayTestSupport {

    private static final List<String> rendered = new CopyOnWriteArrayList<>();
    private static final String FORGED = "request_id=FORGED door=rest key=admin size=1024x1024 status=200 latency_ms=1 filename=x.png";

    static {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        Layout<?> layout = ((AbstractAppender) logging.getConfiguration().getAppender("console")).getLayout();
        AbstractAppender capture = new AbstractAppender("injection-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                rendered.add(new String(layout.toByteArray(event), java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        capture.start();
        logging.getConfiguration().getRootLogger().addAppender(capture, Level.INFO, null);
        logging.updateLoggers();
    }

    @AfterAll
    static void stopCapture() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        logging.getConfiguration().getRootLogger().removeAppender("injection-capture");
        logging.updateLoggers();
    }

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("access-log.prompts", "true");
        p.setProperty("inbox.poll-ms", "200");
        p.setProperty("inbox.min-age-ms", "300");
    }

    private static List<String> matching(String part) {
        return rendered.stream().filter(l -> l.contains(part)).toList();
    }

    @Test
    void aPromptCannotForgeAnAccessLogLine() throws Exception {
        upstream().answerImage(UpstreamStub.png(4, 4));
        String prompt = "a cat\n" + FORGED + "\r\n\u2028" + FORGED + " \"quoted\" \\ end";
        assertEquals(200, doors().rest(prompt).httpStatus());
        long deadline = System.currentTimeMillis() + 5000;
        while (matching("a cat").isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        List<String> lines = matching("a cat");
        assertEquals(1, lines.size(), rendered.toString());
        String line = lines.get(0);
        assertEquals(1, line.split("\n", -1).length - 1, "exactly one line, ended by its own newline: " + line);
        assertFalse(line.contains("\r") || line.contains("\u2028"), line);
        assertTrue(line.contains("prompt=\"a cat\\n" + FORGED + "\\r\\n\\u2028" + FORGED + " \\\"quoted\\\" \\\\ end\""), line);
        for (String each : rendered) {
            assertFalse(each.startsWith("request_id=FORGED"), each);
        }
    }

    @Test
    void anInboxFileNameCannotForgeALogLine() throws Exception {
        upstream().answerImage(UpstreamStub.png(4, 4));
        String name = "evil\nINFO [main] access - " + FORGED + ".txt";
        Files.writeString(inboxDir.resolve(name), "a dog\n");
        long deadline = System.currentTimeMillis() + 10_000;
        while (matching("done: 1 of 1").isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        List<String> inbox = matching("Inbox \"evil\\n");
        assertFalse(inbox.isEmpty(), rendered.toString());
        for (String line : inbox) {
            assertEquals(1, line.split("\n", -1).length - 1, line);
        }
    }
}
