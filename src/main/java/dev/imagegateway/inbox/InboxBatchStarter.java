package dev.imagegateway.inbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a batch for a prompt file the inbox picked up: parses its lines, opens (or reopens, after a crash) its
 * journal, and chooses the name it gets in {@code .done/}. The body becomes the list of lines to split.
 */
public class InboxBatchStarter implements Processor {

    /** Header naming the file in .done/ (the file consumer's move expression reads it). */
    public static final String DONE_NAME = "inboxDoneName";

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    private final Path inboxDir;
    private final ActiveBatches active;
    private final long maxFileBytes;

    /** @param maxFileBytes the largest prompt file read; a larger one is refused unread */
    public InboxBatchStarter(Path inboxDir, ActiveBatches active, long maxFileBytes) {
        this.inboxDir = inboxDir;
        this.active = active;
        this.maxFileBytes = maxFileBytes;
    }

    @Override
    public void process(Exchange exchange) throws java.io.IOException {
        String name = readable(exchange, maxFileBytes);
        Path file = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        // one streaming pass: the batch's key, its number of prompts, and whether it is text; then the lines are read
        // again, one at a time, as the splitter asks for them
        InboxFileScan.Result scan = InboxFileScan.scan(file, name);
        Path state = inboxDir.resolve(".state");
        BatchJournal journal = BatchJournal.open(state.resolve(scan.key() + ".journal"));
        Batch batch = new Batch(name, scan.prompts(), journal, state.resolve(scan.key() + ".outcomes"));
        exchange.setProperty(Batch.PROPERTY, batch);
        active.started(batch);
        exchange.getMessage().setHeader(DONE_NAME, doneName(inboxDir, name));
        exchange.getMessage().setBody(InboxFileParser.open(file, name));
        if (journal.doneCount() > 0) {
            LOG.info("Inbox {}: resuming, {} of {} prompts already done", dev.imagegateway.ops.LogText.token(name), journal.doneCount(), scan.prompts());
        } else {
            LOG.info("Inbox {}: {} prompts", dev.imagegateway.ops.LogText.token(name), scan.prompts());
        }
    }

    /**
     * The picked-up file's name, once it is known to be a prompt file the inbox reads (by type and size); else an
     * IllegalArgumentException with the reason, and the file goes to .error/.
     */
    static String readable(Exchange exchange, long maxFileBytes) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Long length = exchange.getMessage().getHeader(Exchange.FILE_LENGTH, Long.class);
        if (length != null && length > maxFileBytes) {
            throw new IllegalArgumentException("The file is " + length + " bytes; the inbox reads prompt files of at most "
                    + maxFileBytes + " bytes (INBOX_MAX_FILE_BYTES): split it into smaller files");
        }
        InboxFileParser.requireSupported(name);
        return name;
    }

    /** Two files with the same content are two batches; a file dropped again after it finished is a new one. */
    static String batchKey(String name, byte[] content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(content);
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file's own name in .done/, or with the time added when an earlier batch of that name is there. */
    static String doneName(Path inboxDir, String name) {
        if (!Files.exists(inboxDir.resolve(".done").resolve(name))) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String stamp = "-" + System.currentTimeMillis();
        return dot > 0 ? name.substring(0, dot) + stamp + name.substring(dot) : name + stamp;
    }
}
