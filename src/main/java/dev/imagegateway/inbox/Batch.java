package dev.imagegateway.inbox;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One prompt file in progress: its lines, its journal, and the outcome of each line as the lines finish
 * (concurrently, in any order).
 */
public final class Batch {

    /** Exchange property that carries the batch through the file's route and its split lines. */
    public static final String PROPERTY = "inboxBatch";

    private final String fileName;
    private final List<BatchLine> lines;
    private final BatchJournal journal;
    private final long startedAt = System.currentTimeMillis();
    private final AtomicInteger finished = new AtomicInteger();
    private final Map<Integer, ObjectNode> outcomes = new TreeMap<>();
    private final Map<Integer, BatchLine> failedLines = new TreeMap<>();

    public Batch(String fileName, List<BatchLine> lines, BatchJournal journal) {
        this.fileName = fileName;
        this.lines = lines;
        this.journal = journal;
    }

    public String fileName() {
        return fileName;
    }

    public int total() {
        return lines.size();
    }

    public BatchJournal journal() {
        return journal;
    }

    public long startedAt() {
        return startedAt;
    }

    /** Records a line's outcome; returns how many lines are finished, this one included. */
    public int record(BatchLine line, ObjectNode outcome, boolean failed) {
        synchronized (outcomes) {
            outcomes.put(line.number(), outcome);
            if (failed) {
                failedLines.put(line.number(), line);
            }
        }
        return finished.incrementAndGet();
    }

    /** Lines finished so far, failed ones included. */
    public int finished() {
        return finished.get();
    }

    public int failed() {
        synchronized (outcomes) {
            return failedLines.size();
        }
    }

    public List<ObjectNode> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes.values());
        }
    }

    public List<BatchLine> failedLines() {
        synchronized (outcomes) {
            return List.copyOf(failedLines.values());
        }
    }
}
