package dev.imagegateway.inbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a batch: writes its report and failed lines ({@link BatchReport}, streamed from the batch's spill of outcomes)
 * into {@code .done/}, where the file consumer then moves the prompt file; the journal goes.
 */
public class InboxBatchReporter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path inboxDir;
    private final ActiveBatches active;

    public InboxBatchReporter(Path inboxDir, ActiveBatches active) {
        this.inboxDir = inboxDir;
        this.active = active;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Batch batch = exchange.getProperty(Batch.PROPERTY, Batch.class);
        String doneName = exchange.getMessage().getHeader(InboxBatchStarter.DONE_NAME, String.class);
        Path done = Files.createDirectories(inboxDir.resolve(".done"));
        long elapsed = System.currentTimeMillis() - batch.startedAt();
        int failed = batch.failed();
        Path spill = batch.outcomes();
        Index index = sortedByLine(spill);

        // the report is written as a stream from the spill, in line order: never the whole of it in memory
        try (FileChannel outcomes = FileChannel.open(spill, StandardOpenOption.READ)) {
            java.util.Iterator<ObjectNode> inLineOrder = new java.util.Iterator<>() {
                private int i;

                @Override
                public boolean hasNext() {
                    return i < index.offsets().length;
                }

                @Override
                public ObjectNode next() {
                    try {
                        ObjectNode outcome = (ObjectNode) MAPPER.readTree(read(outcomes, index.offsets()[i], index.lengths()[i]));
                        i++;
                        return outcome;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
            BatchReport.write(done, doneName, batch.fileName(), new BatchReport.Totals(batch.total(), failed, batch.resumed(), elapsed),
                    inLineOrder);
        }
        batch.discard();
        batch.journal().delete();
        active.ended(batch.fileName());
        LOG.info("Inbox {} done: {} of {} prompts succeeded, {} failed, in {} ms", dev.imagegateway.ops.LogText.token(batch.fileName()),
                batch.total() - failed, batch.total(), failed, elapsed);
    }

    /** Where each outcome sits in the spill, in line order. */
    private record Index(long[] offsets, int[] lengths) {
    }

    /** Reads the spill once, noting each entry's line number, offset and length, and orders them by line. */
    private static Index sortedByLine(Path spill) throws IOException {
        java.util.List<long[]> entries = new java.util.ArrayList<>();
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(spill), 64 * 1024)) {
            long offset = 0;
            long start = 0;
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
            int b;
            while ((b = in.read()) >= 0) {
                offset++;
                if (b == '\n') {
                    int number = MAPPER.readTree(line.toByteArray()).path("line").asInt();
                    entries.add(new long[] {number, start, offset - 1 - start});
                    line.reset();
                    start = offset;
                } else {
                    line.write(b);
                }
            }
        }
        entries.sort(java.util.Comparator.comparingLong(e -> e[0]));
        long[] offsets = new long[entries.size()];
        int[] lengths = new int[entries.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = entries.get(i)[1];
            lengths[i] = (int) entries.get(i)[2];
        }
        return new Index(offsets, lengths);
    }

    private static byte[] read(FileChannel channel, long offset, int length) throws IOException {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new java.io.EOFException("Spill ended early");
            }
        }
        return buffer.array();
    }
}
