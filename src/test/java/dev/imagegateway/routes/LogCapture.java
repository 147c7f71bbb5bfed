package dev.imagegateway.routes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The gateway's log events while it is open, as the root logger receives them (level INFO and above). */
final class LogCapture implements AutoCloseable {

    private final String name = "capture-" + System.nanoTime();
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();

    LogCapture() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        AbstractAppender appender = new AbstractAppender(name, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.toImmutable());
            }
        };
        appender.start();
        logging.getConfiguration().getRootLogger().addAppender(appender, Level.INFO, null);
        logging.updateLoggers();
    }

    /** Every message, formatted, in order. */
    List<String> messages() {
        return events.stream().map(e -> e.getMessage().getFormattedMessage()).toList();
    }

    /** Events that carry a stack trace (a throwable), as "logger: message (throwable)". */
    List<String> withStackTraces() {
        return events.stream().filter(e -> e.getThrown() != null)
                .map(e -> e.getLoggerName() + ": " + e.getMessage().getFormattedMessage() + " (" + e.getThrown() + ")").toList();
    }

    @Override
    public void close() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        logging.getConfiguration().getRootLogger().removeAppender(name);
        logging.updateLoggers();
    }
}
