package dev.imagegateway.inbox;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued inbox, a file whose lines could not all be queued: a file that is not prompts goes to {@code .error/} as in a
 * local batch; after any other failure (Kafka or the database away) the file waits in {@code .retry/}, from which the
 * inbox-retry route puts it back into the inbox a while later. Lines queued already are not generated twice: the next
 * read of the file is the same batch.
 */
public class InboxQueueRetryLater implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");
    /** Exchange property: the file is to be read again later, not refused. */
    public static final String RETRY = "inboxRetryLater";

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
        LOG.warn("Inbox {}: its lines could not be queued now ({}); it waits in .retry/ and is tried again",
                dev.imagegateway.ops.LogText.token(name), failure == null ? "?" : failure.getClass().getSimpleName());
        // still a failure, so that the file consumer moves it, but aside to .retry/, without a reason file in .error/
        exchange.setProperty(RETRY, true);
        exchange.setProperty("inboxFailedTo", ".retry/" + name);
        throw failure;
    }
}
