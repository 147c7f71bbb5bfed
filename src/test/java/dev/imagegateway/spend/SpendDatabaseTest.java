package dev.imagegateway.spend;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spend database: H2 made at first start, migrated once; a URL that cannot work is refused without its secret. */
class SpendDatabaseTest {

    @Test
    void theEmbeddedDatabaseIsCreatedOnceAndMigratedOnce() throws Exception {
        Path data = Files.createTempDirectory("spend-db");
        try (SpendDatabase first = SpendDatabase.open("", "", "", data, 2)) {
            assertTrue(first.embedded());
            try (var c = first.dataSource().getConnection(); var r = c.createStatement().executeQuery("SELECT COUNT(*) FROM usage_ledger")) {
                r.next();
                assertEquals(0, r.getInt(1));
            }
        }
        assertTrue(Files.exists(data.resolve("gateway.mv.db")));
        // opened again: the schema is there, Flyway applies nothing
        try (SpendDatabase again = SpendDatabase.open("", "", "", data, 2);
             var c = again.dataSource().getConnection();
             var r = c.createStatement().executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE script = 'V1__spend.sql'")) {
            r.next();
            assertEquals(1, r.getInt(1));
        }
    }

    @Test
    void aDatabaseUrlOfAnotherKindIsRefusedWithoutEchoingIt() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> SpendDatabase.open("mysql://root:hunter2@db/x", "", "", Path.of("."), 1)).getMessage();
        assertTrue(message.startsWith("DATABASE_URL must start with postgresql://"), message);
        assertFalse(message.contains("hunter2"), message);
    }

    @Test
    void aPostgresServerThatIsNotThereStopsTheStartWithoutThePassword() {
        String message = assertThrows(IllegalStateException.class,
                () -> SpendDatabase.open("postgresql://gateway:hunter2@127.0.0.1:1/ledger", "", "", Path.of("."), 1)).getMessage();
        assertTrue(message.startsWith("Cannot open the spend ledger's database (PostgreSQL 127.0.0.1:1/ledger)"), message);
        assertFalse(message.contains("hunter2"), message);
    }
}
