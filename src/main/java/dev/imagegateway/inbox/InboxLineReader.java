package dev.imagegateway.inbox;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.GenerationRequest;
import dev.imagegateway.pipeline.ImageFilenameBean;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Inbox door, inbound, per line: a line the journal says is done is not generated again (its earlier outcome is
 * reported); a line that could not be read is a failed line; any other becomes a {@link GenerationRequest}.
 */
public class InboxLineReader implements Processor {

    /** Exchange property: true when the line needs no generation. */
    public static final String SKIP = "inboxLineSkip";
    /** Exchange property: the line being processed. */
    public static final String LINE = "inboxLine";
    /** Exchange property: when the line started, for its duration. */
    public static final String STARTED = "inboxLineStarted";

    private final InboxLineRecorder recorder;
    private final ImageFilenameBean names;
    private final dev.imagegateway.gallery.ImageStore images;

    public InboxLineReader(InboxLineRecorder recorder, ImageFilenameBean names, dev.imagegateway.gallery.ImageStore images) {
        this.recorder = recorder;
        this.names = names;
        this.images = images;
    }

    @Override
    public void process(Exchange exchange) {
        Batch batch = exchange.getProperty(Batch.PROPERTY, Batch.class);
        BatchLine line = exchange.getMessage().getBody(BatchLine.class);
        exchange.setProperty(LINE, line);
        exchange.setProperty(STARTED, System.currentTimeMillis());
        BatchJournal journal = batch.journal();
        BatchJournal.Done done = journal.done(line.number());
        if (done == null) {
            // an earlier run reserved a name and died: if that image reached the disk, the line is done
            String saved;
            try {
                saved = images.savedUnder(journal.pendingStem(line.number()));
            } catch (java.io.UncheckedIOException storeAway) {
                // the image store (the bucket) cannot say whether the image is there: generating it again could pay
                // twice, so the line fails with the reason, and the other lines go on
                recorder.failWith(exchange, new dev.imagegateway.error.GatewayException(dev.imagegateway.error.ErrorKind.OVERLOADED,
                        "The image store cannot be reached to tell whether this line's image was saved before; drop the line again later"));
                exchange.setProperty(SKIP, true);
                return;
            }
            if (saved != null) {
                journal.recordDone(line.number(), saved, 0);
                done = journal.done(line.number());
            }
        }
        if (done != null) {
            ObjectNode outcome = InboxLineRecorder.succeeded(line, done.filename(), done.durationMs()).put("resumed", true);
            recorder.log(batch, line, batch.record(line, outcome, false), "already done: " + done.filename());
            exchange.setProperty(SKIP, true);
            return;
        }
        if (line.parseError() != null) {
            recorder.failWith(exchange, new GatewayException(ErrorKind.INVALID_ARGUMENT, line.parseError()));
            exchange.setProperty(SKIP, true);
            return;
        }
        // the image's name is journaled before the image exists, so a crash at any point can be told apart later
        String stem = names.nextStem();
        journal.recordPending(line.number(), stem);
        exchange.setProperty(ImageFilenameBean.STEM, stem);
        exchange.setProperty(SKIP, false);
        exchange.getMessage().setBody(new GenerationRequest(line.prompt(), line.size(), "inbox", line.model(), null, line.options()));
    }
}
