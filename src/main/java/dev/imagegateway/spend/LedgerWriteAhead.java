package dev.imagegateway.spend;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For the embedded H2 database: every ledger row is also appended to DATA_DIR/ledger-wal.jsonl before the answer goes
 * out (handed to the OS, so a kill -9 of the process keeps it), while H2 writes its commits to disk in the background
 * (its default half-second delay: forcing each commit to the file cost 2.5 ms of CPU per request in the benchmark).
 * Each minute the file is set aside, H2 is checkpointed, and the set-aside file removed; at start, rows of both files are
 * inserted again (a row already in the ledger is kept once, by its request id). PostgreSQL commits durably: no file.
 */
public class LedgerWriteAhead {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriteAhead.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path setAside;
    private OutputStream out;

    public LedgerWriteAhead(Path dataDir) {
        this.file = dataDir.resolve("ledger-wal.jsonl");
        this.setAside = dataDir.resolve("ledger-wal.previous.jsonl");
    }

    /** After the row's insert committed: the row, to the OS before the answer goes out. */
    public synchronized void append(Map<String, Object> row) {
        try {
            if (out == null) {
                out = new FileOutputStream(file.toFile(), true);
            }
            out.write(LedgerJournal.line(row));
        } catch (IOException e) {
            LOG.warn("Ledger row of request {} not in {}: {} (it is in the database; a crash within the next second could "
                    + "lose it)", row.get("request_id"), file, e.getMessage());
        }
    }

    /**
     * Sets the file aside (new rows go to a new one), runs {@code checkpoint} (every row set aside was committed
     * before it was appended, so the checkpoint has it on disk), then removes the set-aside file.
     */
    public void checkpoint(Runnable checkpoint) {
        synchronized (this) {
            if (!Files.exists(setAside)) {
                try {
                    if (out != null) {
                        out.close();
                        out = null;
                    }
                    if (Files.exists(file)) {
                        Files.move(file, setAside, StandardCopyOption.ATOMIC_MOVE);
                    }
                } catch (IOException e) {
                    LOG.warn("Ledger write-ahead file {} not set aside: {}", file, e.getMessage());
                    return;
                }
            }
        }
        checkpoint.run();
        try {
            Files.deleteIfExists(setAside);
        } catch (IOException e) {
            LOG.warn("Ledger write-ahead file {} not removed: {}", setAside, e.getMessage());
        }
    }

    /** At start: the rows of both files, oldest first, to insert again; the files are removed by the next checkpoint. */
    public synchronized List<Map<String, Object>> rowsToReplay() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Path f : List.of(setAside, file)) {
            if (!Files.exists(f)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        try {
                            rows.add(LedgerJournal.row(JSON.readTree(line)));
                        } catch (IOException | RuntimeException torn) {
                            // the last line of a file a kill cut short: its row's answer never went out
                            LOG.debug("Ledger write-ahead line skipped: {}", torn.getMessage());
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warn("Ledger write-ahead file {} not read: {}", f, e.getMessage());
            }
        }
        return rows;
    }
}
