package dev.imagegateway.inbox;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.imagegateway.spend.SpendSql;

/**
 * The shared state of batch lines when several instances consume one Kafka topic (KAFKA_BOOTSTRAP): each prompt
 * file's batch and one row per line, in the spend database (its statements are src/main/resources/sql/inbox-*.sql, run
 * through camel-sql by routes/inbox-queue.yaml). A line's row is its claim: the first instance to insert it generates
 * the line; a copy of the record elsewhere finds it taken. A line whose instance stopped is taken over once its lease
 * has run out (longer than a line can take), with the image name it was given, so an image already saved is not made
 * again. The last line done, wherever it ran, lets one instance write the batch's report.
 */
public class InboxQueue {

    /** What a consumer may do with a line. */
    public sealed interface Claim permits Own, Finished, Held {
    }

    /**
     * This consumer holds the line ({@code owner}: this instance and consumer): generate it (an attempt after the first
     * may find its image already saved).
     */
    public record Own(String stem, int attempt, String owner) implements Claim {
    }

    /** The line is done or failed already. */
    public record Finished() implements Claim {
    }

    /** Another instance holds the line, until {@code until} at the latest. */
    public record Held(String owner, Instant until) implements Claim {
    }

    /** A batch as the database has it. */
    public record BatchRow(String batchId, String fileName, String doneName, boolean jsonLines, int total,
                           Instant createdAt, Instant finishedAt) {
    }

    /** How far a batch is: lines finished (done or failed), failed, and taken over. */
    public record Progress(int finished, int failed, int resumed) {
    }

    private final SpendSql sql;
    private final Clock clock;
    private final String instance;
    private final long leaseMillis;

    public InboxQueue(SpendSql sql, Clock clock, String instance, long leaseMillis) {
        this.sql = sql;
        this.clock = clock;
        this.instance = instance;
        this.leaseMillis = leaseMillis;
    }

    /**
     * The batch of a file read from an inbox: the file's batch whose lines were not all queued if there is one (a restart,
     * or Kafka away, while they were being sent), else a new run of it (the same file dropped again).
     */
    public String open(String fileHash, String fileName, String doneName, boolean jsonLines, int total) {
        List<Map<String, Object>> runs = sql.query("inbox-batch-runs", Map.of("file_hash", fileHash));
        for (Map<String, Object> run : runs) {
            if (run.get("queued_at") == null) {
                return (String) run.get("batch_id");
            }
        }
        String batchId = fileHash + "-" + (runs.size() + 1);
        Map<String, Object> row = new HashMap<>();
        row.put("batch_id", batchId);
        row.put("file_hash", fileHash);
        row.put("file_name", fileName);
        row.put("done_name", doneName);
        row.put("json_lines", jsonLines);
        row.put("total", total);
        row.put("now", now());
        sql.update("inbox-batch-open", row);
        return batchId;
    }

    /** Every line of the batch is on the topic. */
    public void queued(String batchId) {
        sql.update("inbox-batch-queued", Map.of("batch_id", batchId, "now", now()));
    }

    /** Batches whose every line is finished but that nobody marked finished, queued before {@code before}. */
    public List<String> unfinished(Instant before) {
        return sql.query("inbox-batch-unfinished", Map.of("before", LocalDateTime.ofInstant(before, ZoneOffset.UTC))).stream()
                .map(r -> (String) r.get("batch_id")).toList();
    }

    /** A batch in progress, on whichever instances its lines run. */
    public record Active(String fileName, int total, int finished, int failed, Instant createdAt) {
    }

    /** The batches not finished yet, oldest first. */
    public List<Active> active() {
        return sql.query("inbox-batch-active", Map.of()).stream().map(r -> new Active((String) r.get("file_name"),
                number(r.get("total")), number(r.get("finished")), number(r.get("failed")), instant(r.get("created_at")))).toList();
    }

    public BatchRow batch(String batchId) {
        List<Map<String, Object>> rows = sql.query("inbox-batch-read", Map.of("batch_id", batchId));
        return rows.isEmpty() ? null : batchRow(rows.get(0));
    }

    /** The latest finished batch whose report has this name, or null. */
    public BatchRow reported(String doneName) {
        List<Map<String, Object>> rows = sql.query("inbox-batch-named", Map.of("done_name", doneName));
        return rows.isEmpty() ? null : batchRow(rows.get(0));
    }

    /**
     * Claims a line for this instance's consumer {@code consumer}: the first claim, a takeover once the holder's lease has
     * run out, or neither.
     */
    public Claim claim(String batchId, int line, String consumer, java.util.function.Supplier<String> newStem) {
        // the consumer in the name: another consumer of this instance waits out the lease as another instance would
        String owner = (instance + " " + consumer).length() > 200 ? (instance + " " + consumer).substring(0, 200) : instance + " " + consumer;
        Map<String, Object> key = Map.of("batch_id", batchId, "line", line);
        Map<String, Object> first = new HashMap<>(key);
        String stem = newStem.get();
        first.put("owner", owner);
        first.put("stem", stem);
        first.put("now", now());
        if (sql.update("inbox-line-claim", first) == 1) {
            return new Own(stem, 1, owner);
        }
        List<Map<String, Object>> rows = sql.query("inbox-line-read", key);
        if (rows.isEmpty()) {
            throw new IllegalStateException("Line " + line + " of batch " + batchId + " was neither claimed nor found");
        }
        Map<String, Object> row = rows.get(0);
        if (!"running".equals(row.get("status"))) {
            return new Finished();
        }
        int attempt = ((Number) row.get("attempt")).intValue();
        String holder = (String) row.get("owner");
        Instant until = instant(row.get("claimed_at")).plusMillis(leaseMillis);
        // this consumer's own claim is still running only when its try failed after the claim (the database went away
        // before the outcome was written): taken back at once
        if (!owner.equals(holder) && clock.instant().isBefore(until)) {
            return new Held(holder, until);
        }
        Map<String, Object> takeover = new HashMap<>(key);
        takeover.put("owner", owner);
        takeover.put("attempt", attempt);
        takeover.put("now", now());
        if (sql.update("inbox-line-takeover", takeover) == 1) {
            return new Own((String) row.get("stem"), attempt + 1, owner);
        }
        // another instance took it over first: ask again
        return new Held(holder, clock.instant());
    }

    /** The line's outcome; false when it had been taken over meanwhile (its new holder writes it). */
    public boolean finish(String batchId, int line, String owner, int attempt, boolean failed, String outcome) {
        Map<String, Object> row = new HashMap<>();
        row.put("batch_id", batchId);
        row.put("line", line);
        row.put("owner", owner);
        row.put("attempt", attempt);
        row.put("status", failed ? "failed" : "done");
        row.put("outcome", outcome);
        row.put("now", now());
        return sql.update("inbox-line-finish", row) == 1;
    }

    public Progress progress(String batchId) {
        Map<String, Object> row = sql.query("inbox-batch-progress", Map.of("batch_id", batchId)).get(0);
        return new Progress(number(row.get("finished")), number(row.get("failed")), number(row.get("resumed")));
    }

    /** True for the one instance that marks the batch finished (and so writes its report). */
    public boolean finishBatch(String batchId) {
        Map<String, Object> row = new HashMap<>();
        row.put("batch_id", batchId);
        row.put("owner", instance);
        row.put("now", now());
        return sql.update("inbox-batch-finish", row) == 1;
    }

    /** A page of the batch's line outcomes (JSON text), in line order. */
    public List<String> outcomes(String batchId, int offset, int limit) {
        Map<String, Object> page = new HashMap<>();
        page.put("batch_id", batchId);
        page.put("offset", offset);
        page.put("limit", limit);
        return sql.query("inbox-batch-outcomes", page).stream().map(r -> (String) r.get("outcome")).toList();
    }

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static BatchRow batchRow(Map<String, Object> row) {
        return new BatchRow((String) row.get("batch_id"), (String) row.get("file_name"), (String) row.get("done_name"),
                Boolean.TRUE.equals(row.get("json_lines")), number(row.get("total")), instant(row.get("created_at")),
                row.get("finished_at") == null ? null : instant(row.get("finished_at")));
    }

    private static Instant instant(Object timestamp) {
        if (timestamp instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        if (timestamp instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC);
        }
        throw new IllegalStateException("Unexpected timestamp " + timestamp);
    }

    private static int number(Object value) {
        return value == null ? 0 : ((Number) value).intValue();
    }
}
