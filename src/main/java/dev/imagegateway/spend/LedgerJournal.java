package dev.imagegateway.spend;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ledger rows the database did not take (it was down), one JSON line each in DATA_DIR/ledger-journal.jsonl, forced to
 * the device before the answer goes out; written to the database at start and then every minute, and the file
 * removed once all are in. A row written twice is kept once (the ledger is unique by request id).
 */
public class LedgerJournal {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DECIMALS = Set.of("estimate_usd", "cost_usd");
    private static final Set<String> LONGS = Set.of("input_tokens", "output_tokens", "latency_ms");
    private static final Set<String> INTS = Set.of("n", "images");

    private final Path file;

    public LedgerJournal(Path file) {
        this.file = file;
    }

    /** A row as one JSON line (values as text; {@link #row} reads them back with their types). */
    static byte[] line(Map<String, Object> row) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        row.forEach((k, v) -> {
            if (v == null) {
                line.putNull(k);
            } else {
                line.put(k, v.toString());
            }
        });
        return (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public synchronized void append(Map<String, Object> row) {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, StandardOpenOption.DSYNC)) {
            out.write(line(row));
        } catch (IOException e) {
            // nowhere left to keep it: say what it was, so an operator can bill it by hand
            LOG.error("Ledger row of request {} lost: neither the database nor the journal {} took it ({})",
                    row.get("request_id"), file, e.getMessage());
        }
    }

    /** Writes every journalled row through {@code insert}; the ones it refuses stay. Returns how many went in. */
    public synchronized int replay(Consumer<Map<String, Object>> insert) {
        if (!Files.exists(file)) {
            return 0;
        }
        List<String> left = new ArrayList<>();
        int written = 0;
        try {
            boolean refused = false;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                if (refused) {
                    // the database is still away: the others wait for the next round, unread, without a timeout each
                    left.add(line);
                    continue;
                }
                try {
                    insert.accept(row(JSON.readTree(line)));
                    written++;
                } catch (SpendSql.SpendStoreException e) {
                    if (e.rowRefused()) {
                        // this row, not the database: it would block every row behind it
                        LOG.error("Ledger journal row refused by the database, kept aside in {}.bad: {}", file, e.getMessage());
                        Files.writeString(file.resolveSibling(file.getFileName() + ".bad"), line + "\n", StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        continue;
                    }
                    left.add(line);
                    refused = true;
                } catch (IOException | RuntimeException e) {
                    LOG.error("Ledger journal line cannot be read, kept aside in {}.bad: {}", file, e.getMessage());
                    Files.writeString(file.resolveSibling(file.getFileName() + ".bad"), line + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
            if (left.isEmpty()) {
                Files.delete(file);
            } else {
                Path next = file.resolveSibling(file.getFileName() + ".next");
                Files.write(next, left, StandardCharsets.UTF_8);
                Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Ledger journal {} not replayed: {}", file, e.getMessage());
        }
        if (written > 0) {
            LOG.info("Ledger: {} rows written from the journal{}", written, left.isEmpty() ? "" : ", " + left.size() + " still waiting");
        }
        return written;
    }

    static Map<String, Object> row(JsonNode line) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (!line.hasNonNull("entry_id")) {
            // written before rows had their own id: the key the V2 migration gives such rows
            row.put("entry_id", "legacy:" + line.path("request_id").asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String k = field.getKey();
            String v = field.getValue().isNull() ? null : field.getValue().asText();
            row.put(k, v == null ? null : DECIMALS.contains(k) ? new BigDecimal(v) : LONGS.contains(k) ? (Object) Long.valueOf(v)
                    : INTS.contains(k) ? (Object) Integer.valueOf(v) : "created_at".equals(k) ? LocalDateTime.parse(v) : v);
        }
        return row;
    }
}
