package dev.imagegateway.security;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.imagegateway.routes.Doors.Door;
import dev.imagegateway.routes.Doors.Outcome;
import dev.imagegateway.routes.StubbedGatewayTestSupport;
import dev.imagegateway.routes.UpstreamStub;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Neither the gateway's keys nor the OpenAI key appear in any log line (at DEBUG, from start to stop, stack traces
 * included), in any response body or error message, whatever the upstream does.
 */
class SecretHygieneTest extends StubbedGatewayTestSupport {

    private static final List<String> LOGGED = new CopyOnWriteArrayList<>();
    private static final String APPENDER = "secret-capture";

    static {
        // installed before the gateway starts, so start-up (where properties are resolved) is captured too
        // what LOG_LEVEL=debug does: everything at DEBUG but the loggers pinned for secrets
        Configurator.setLevel(java.util.Map.of("", Level.DEBUG, "org.apache.camel", Level.DEBUG, "io.vertx", Level.DEBUG,
                "io.grpc", Level.DEBUG, "io.netty", Level.DEBUG));
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        AbstractAppender capture = new AbstractAppender(APPENDER, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String logger = String.valueOf(event.getLoggerName());
                // the stub upstream (WireMock on Jetty) runs in this JVM too and may log what it receives
                if (logger.startsWith("org.eclipse.jetty") || logger.contains("wiremock") || logger.contains("tomakehurst")) {
                    return;
                }
                StringBuilder text = new StringBuilder(logger).append(": ").append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    text.append(" | ").append(t);
                }
                LOGGED.add(text.toString());
            }
        };
        capture.start();
        logging.getConfiguration().getRootLogger().addAppender(capture, Level.DEBUG, null);
        logging.updateLoggers();
    }

    /** The other test classes in this JVM log as configured again. */
    @AfterAll
    static void restoreLogging() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        logging.getConfiguration().getRootLogger().removeAppender(APPENDER);
        logging.reconfigure();
    }

    @Override
    protected void upstreamSettings(Properties p) {
        p.setProperty("upstream.retries", "1");
        p.setProperty("upstream.retry-initial-delay-ms", "10");
        // the spend database's password is a secret too
        p.setProperty("database.url", "jdbc:h2:mem:hygiene;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        p.setProperty("database.username", "gateway");
        p.setProperty("database.password", DATABASE_PASSWORD);
    }

    private static final String DATABASE_PASSWORD = "db-pass-5e2f0c9a71";

    private static void assertClean(String where, String text) {
        if (text == null) {
            return;
        }
        for (String secret : new String[] {UpstreamStub.OPENAI_KEY, KEY, SECOND_KEY, DATABASE_PASSWORD}) {
            assertFalse(text.contains(secret), where + " shows a key: " + text);
        }
    }

    @Test
    void noKeyInLogsRepliesOrErrors() throws Exception {
        upstream().answerImage(UpstreamStub.png(4, 4));
        for (Door door : Door.values()) {
            assertClean("reply", doors().call(door, "fine").message());
        }
        upstream().answerJson(401, UpstreamStub.error("Incorrect API key provided: " + UpstreamStub.OPENAI_KEY, null));
        upstream().answerJson(400, UpstreamStub.error("bad request for key " + UpstreamStub.OPENAI_KEY, null));
        for (Door door : Door.values()) {
            Outcome outcome = doors().call(door, "x");
            assertClean(door + " error", outcome.message());
        }
        upstream().answerJson(500, UpstreamStub.error("server error with " + UpstreamStub.OPENAI_KEY, null));
        upstream().answer(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        for (Door door : Door.values()) {
            assertClean(door + " error", doors().call(door, "x").message());
        }
        // a wrong key is not a secret, but the right ones never come back
        Outcome denied = doors().grpc("x", 5000);
        assertClean("denied", denied.message());

        assertTrue(LOGGED.size() > 100, "DEBUG logging was captured: " + LOGGED.size() + " lines");
        for (String line : LOGGED) {
            assertClean("log", line);
        }
    }
}
