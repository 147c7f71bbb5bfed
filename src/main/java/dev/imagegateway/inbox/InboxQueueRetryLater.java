package dev.imagegateway.inbox;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued inbox, a file whose lines could not all be queued: a file that is not prompts goes to {@code .error/} as in a
 * local batch; any other failure (Kafka or the database away) leaves the file where it is, to be read again at a later
 * poll. Lines queued already are not generated twice: the next run of the file is the same batch.
 */
public class InboxQueueRetryLater implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    @Override
    public void process(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof java.io.UncheckedIOException
                    || t instanceof java.nio.charset.CharacterCodingException) {
                throw failure;
            }
        }
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        LOG.warn("Inbox {}: its lines could not be queued now ({}); it stays in the inbox and is tried again",
                dev.imagegateway.ops.LogText.token(name), failure == null ? "?" : failure.getClass().getSimpleName());
        // the file consumer then leaves the file in place (no .done/, no .error/)
        exchange.setRollbackOnly(true);
    }
}
