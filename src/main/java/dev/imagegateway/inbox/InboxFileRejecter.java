package dev.imagegateway.inbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file the inbox cannot read as prompts: writes {@code .error/<file>.reason.txt}; the file consumer's
 * moveFailed then moves the file beside it.
 */
public class InboxFileRejecter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    private final Path inboxDir;
    private final ActiveBatches active;

    public InboxFileRejecter(Path inboxDir, ActiveBatches active) {
        this.inboxDir = inboxDir;
        this.active = active;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        active.ended(name);
        if (exchange.getProperty(InboxQueueRetryLater.RETRY, false, Boolean.class)) {
            return; // not refused: it waits in .retry/ (queued inbox, Kafka or the database away)
        }
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = failure instanceof IllegalArgumentException && failure.getMessage() != null
                ? failure.getMessage() : "The file could not be read as prompts";
        Path error = Files.createDirectories(inboxDir.resolve(".error"));
        Files.writeString(error.resolve(name + ".reason.txt"), reason + "\n", StandardCharsets.UTF_8);
        LOG.warn("Inbox {}: moved to .error/ ({})", dev.imagegateway.ops.LogText.token(name), dev.imagegateway.ops.LogText.quoted(reason));
    }
}
