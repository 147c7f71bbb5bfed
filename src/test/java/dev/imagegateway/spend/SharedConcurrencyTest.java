package dev.imagegateway.spend;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.imagegateway.security.KeyLimiter.SlotCounter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Calls in flight per key shared by instances (keys.limits-shared): two counters on one database stand for two
 * instances. The limit holds across both, under 40 takers at once; a slot given back is free for the other; the slots
 * of an instance that stopped beating are given back by the other after the stale time; a late give-back from an instance
 * already reaped does not free a slot twice. On H2 and on a real PostgreSQL.
 */
class SharedConcurrencyTest {

    @Test
    void onH2() throws Exception {
        try (SpendDatabase database = SpendDatabase.open("", "", "", Files.createTempDirectory("slots"), 20)) {
            exercise(database);
        }
    }

    @Test
    void onPostgres() throws Exception {
        try (SpendDatabase database = SpendDatabase.open(PostgresServer.newDatabase(), "", "", Files.createTempDirectory("slots"), 20)) {
            exercise(database);
        }
    }

    private static void exercise(SpendDatabase database) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
        SharedConcurrency a = new SharedConcurrency(database.dataSource(), null, clock, "instance-a", Duration.ofSeconds(30), true);
        SharedConcurrency b = new SharedConcurrency(database.dataSource(), null, clock, "instance-b", Duration.ofSeconds(30), true);
        a.upkeep();
        b.upkeep();

        // 40 takers at once over both instances, limit 5: exactly 5 slots
        ExecutorService pool = Executors.newFixedThreadPool(40);
        List<Future<SlotCounter.Slot>> takes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            SharedConcurrency instance = i % 2 == 0 ? a : b;
            takes.add(pool.submit(() -> instance.take("burst", 5)));
        }
        int taken = 0;
        for (Future<SlotCounter.Slot> take : takes) {
            SlotCounter.Slot result = take.get();
            assertNotSame(SlotCounter.NOT_COUNTED, result, "counted in the database");
            taken += result == SlotCounter.FULL ? 0 : 1;
        }
        pool.shutdown();
        assertEquals(5, taken, "slots taken at once across both instances");
        assertEquals(5, a.inFlight("burst"));

        // limit 3: A takes all; B is refused until A gives one back; a slot given back twice counts once
        List<SlotCounter.Slot> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(a.take("team", 3));
            assertNotSame(SlotCounter.FULL, held.get(i));
        }
        assertSame(SlotCounter.FULL, a.take("team", 3));
        assertSame(SlotCounter.FULL, b.take("team", 3));
        held.get(0).release();
        held.get(0).release();
        assertEquals(2, a.inFlight("team"));
        SlotCounter.Slot ofB = b.take("team", 3);
        assertNotSame(SlotCounter.FULL, ofB);
        assertEquals(3, b.inFlight("team"));

        // A is killed holding 2: its heartbeat stops, B's goes on; 30 s after, B gives A's slots back
        clock.advance(Duration.ofSeconds(20));
        b.upkeep();
        assertEquals(3, b.inFlight("team"), "not yet stale");
        clock.advance(Duration.ofSeconds(15));
        b.upkeep();
        assertEquals(1, b.inFlight("team"), "A's two slots given back");
        assertNotSame(SlotCounter.FULL, b.take("team", 3));
        assertNotSame(SlotCounter.FULL, b.take("team", 3));
        assertSame(SlotCounter.FULL, b.take("team", 3));

        // A was only paused: its late give-backs free nothing it no longer holds, and its new call counts as any other
        held.get(1).release();
        held.get(2).release();
        assertEquals(3, b.inFlight("team"));
        ofB.release();
        assertEquals(2, b.inFlight("team"));
        a.upkeep();
        SlotCounter.Slot again = a.take("team", 3);
        assertNotSame(SlotCounter.FULL, again);
        assertSame(SlotCounter.FULL, b.take("team", 3));
        again.release();
        assertEquals(2, b.inFlight("team"));
    }
}
