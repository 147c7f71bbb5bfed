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

    public InboxBatchStarter(Path inboxDir, ActiveBatches active) {
        this.inboxDir = inboxDir;
        this.active = active;
    }

    @Override
    public void process(Exchange exchange) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        byte[] content = exchange.getMessage().getBody(byte[].class);
        List<BatchLine> lines = InboxFileParser.parse(name, new String(content, StandardCharsets.UTF_8));
        BatchJournal journal = BatchJournal.open(inboxDir.resolve(".state").resolve(batchKey(name, content) + ".journal"));
        Batch batch = new Batch(name, lines, journal);
        exchange.setProperty(Batch.PROPERTY, batch);
        active.started(batch);
        exchange.getMessage().setHeader(DONE_NAME, doneName(name));
        exchange.getMessage().setBody(lines);
        if (journal.doneCount() > 0) {
            LOG.info("Inbox {}: resuming, {} of {} prompts already done", name, journal.doneCount(), lines.size());
        } else {
            LOG.info("Inbox {}: {} prompts", name, lines.size());
        }
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
    private String doneName(String name) {
        if (!Files.exists(inboxDir.resolve(".done").resolve(name))) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String stamp = "-" + System.currentTimeMillis();
        return dot > 0 ? name.substring(0, dot) + stamp + name.substring(dot) : name + stamp;
    }
}
