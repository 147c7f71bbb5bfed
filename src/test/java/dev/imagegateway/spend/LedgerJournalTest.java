package dev.imagegateway.spend;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows the database did not take wait in the journal, typed as they were, until it takes them. */
class LedgerJournalTest {

    private static Map<String, Object> row(String id) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("entry_id", "entry-" + id);
        row.put("request_id", id);
        row.put("created_at", LocalDateTime.parse("2026-11-26T10:15:30.123456"));
        row.put("key_name", "team \"a\"\nnewline");
        row.put("provider", null);
        row.put("n", 2);
        row.put("input_tokens", 40L);
        row.put("cost_usd", new BigDecimal("0.211000"));
        return row;
    }

    @Test
    void rowsStayUntilTheDatabaseTakesThemAndComeBackAsTheyWent() throws Exception {
        Path file = Files.createTempDirectory("journal").resolve("ledger-journal.jsonl");
        LedgerJournal journal = new LedgerJournal(file);
        journal.append(row("r1"));
        journal.append(row("r2"));

        // the database is still down: nothing leaves the journal
        int written = journal.replay(r -> {
            throw new SpendSql.SpendStoreException("ledger-insert", new java.sql.SQLException("down"));
        });
        assertEquals(0, written);
        assertEquals(2, Files.readAllLines(file).size());

        // it takes the first only
        List<Map<String, Object>> taken = new ArrayList<>();
        written = journal.replay(r -> {
            if (!taken.isEmpty()) {
                throw new SpendSql.SpendStoreException("ledger-insert", new java.sql.SQLException("down again"));
            }
            taken.add(r);
        });
        assertEquals(1, written);
        assertEquals(row("r1"), taken.get(0), "the same values and types as written");
        assertEquals(1, Files.readAllLines(file).size());

        written = journal.replay(taken::add);
        assertEquals(1, written);
        assertEquals("r2", taken.get(1).get("request_id"));
        assertFalse(Files.exists(file), "an empty journal is removed");
        assertEquals(0, journal.replay(r -> { throw new AssertionError("nothing to replay"); }));
        assertTrue(taken.get(1).get("cost_usd") instanceof BigDecimal);
    }

    @Test
    void aRowTheDatabaseRefusesGoesAsideAndTheRowsBehindItGoIn() throws Exception {
        Path file = Files.createTempDirectory("journal").resolve("ledger-journal.jsonl");
        LedgerJournal journal = new LedgerJournal(file);
        journal.append(row("refused"));
        journal.append(row("fine"));
        List<Object> taken = new ArrayList<>();
        int written = journal.replay(r -> {
            if ("refused".equals(r.get("request_id"))) {
                throw new SpendSql.SpendStoreException("ledger-insert", new java.sql.SQLException("null value", "23502"));
            }
            taken.add(r.get("request_id"));
        });
        assertEquals(1, written);
        assertEquals(List.of("fine"), taken);
        assertFalse(Files.exists(file));
        assertTrue(Files.readString(file.resolveSibling("ledger-journal.jsonl.bad")).contains("refused"));
    }

    @Test
    void aRowWrittenBeforeRowsHadTheirOwnIdGetsTheKeyTheMigrationGives() throws Exception {
        Path file = Files.createTempDirectory("journal").resolve("ledger-journal.jsonl");
        Files.writeString(file, "{\"request_id\":\"old-1\",\"cost_usd\":\"0.04\"}\n");
        List<Map<String, Object>> taken = new ArrayList<>();
        new LedgerJournal(file).replay(taken::add);
        assertEquals("legacy:old-1", taken.get(0).get("entry_id"));
    }
}
