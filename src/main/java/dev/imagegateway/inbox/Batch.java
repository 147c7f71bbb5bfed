package dev.imagegateway.inbox;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One prompt file in progress: how many prompts it holds, its journal, and the outcome of each line as the lines
 * finish (concurrently, in any order). Outcomes are not kept in memory: each is appended to a spill file beside the
 * journal, from which the report is written when the batch ends; only counters stay here, whatever the file's size.
 */
public final class Batch {

    /** Exchange property that carries the batch through the file's route and its split lines. */
    public static final String PROPERTY = "inboxBatch";
    /** Spill entries: whether the line failed, and its text (for the failed-lines file). */
    static final String FAILED = "_failed";
    static final String RAW = "_raw";

    private final String fileName;
    private final int total;
    private final BatchJournal journal;
    private final Path spill;
    private final BufferedWriter outcomes;
    private final long startedAt = System.currentTimeMillis();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger resumed = new AtomicInteger();

    public Batch(String fileName, int total, BatchJournal journal, Path spill) {
        this.fileName = fileName;
        this.total = total;
        this.journal = journal;
        this.spill = spill;
        try {
            this.outcomes = Files.newBufferedWriter(spill, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + spill, e);
        }
    }

    public String fileName() {
        return fileName;
    }

    public int total() {
        return total;
    }

    public BatchJournal journal() {
        return journal;
    }

    public long startedAt() {
        return startedAt;
    }

    /** Records a line's outcome; returns how many lines are finished, this one included. */
    public int record(BatchLine line, ObjectNode outcome, boolean lineFailed) {
        ObjectNode entry = outcome.deepCopy();
        if (lineFailed) {
            entry.put(FAILED, true).put(RAW, line.raw());
            failed.incrementAndGet();
        }
        if (outcome.path("resumed").asBoolean(false)) {
            resumed.incrementAndGet();
        }
        synchronized (outcomes) {
            try {
                outcomes.write(entry.toString());
                outcomes.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot record the outcome of line " + line.number(), e);
            }
        }
        return finished.incrementAndGet();
    }

    /** Lines finished so far, failed ones included. */
    public int finished() {
        return finished.get();
    }

    public int failed() {
        return failed.get();
    }

    public int resumed() {
        return resumed.get();
    }

    /** The outcomes recorded, one JSON object a line, in the order the lines finished; flushed first. */
    Path outcomes() {
        synchronized (outcomes) {
            try {
                outcomes.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return spill;
    }

    /** When the batch ends: the spill goes with the journal. */
    void discard() {
        try {
            synchronized (outcomes) {
                outcomes.close();
            }
            Files.deleteIfExists(spill);
        } catch (IOException e) {
            // left in .state/, removed when the same batch runs again
        }
    }
}
