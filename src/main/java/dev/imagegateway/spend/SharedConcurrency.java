package dev.imagegateway.spend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.imagegateway.ops.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls in flight per key counted in the spend database (keys.limits-shared=true), so that a key's {@code concurrency=}
 * holds across every instance sharing it. Taking a slot is one transaction: the key's count, raised only while under
 * the limit (a conditional UPDATE: the row lock makes concurrent takers wait and check again), and this instance's own
 * count beside it. Every few seconds each instance beats on its rows; the rows of an instance whose heartbeat stopped
 * (killed) are given back by the others. Every statement locks the key's row first, so none of them deadlock. Plain
 * JDBC, not camel-sql: a take is several statements in one transaction. While the database does not answer, each
 * instance counts on its own.
 */
public class SharedConcurrency implements dev.imagegateway.security.KeyLimiter.SlotCounter {

    private static final Logger LOG = LoggerFactory.getLogger(SharedConcurrency.class);

    private final DataSource dataSource;
    private final Clock clock;
    private final String instance;
    private final Duration staleAfter;
    private final boolean enabled;
    /** Slots given back while the database was away: given back again by the heartbeat. */
    private final Map<String, AtomicInteger> unreleased = new ConcurrentHashMap<>();

    /** @param enabled false when limits are counted by each instance (keys.limits-shared=false): the upkeep does nothing */
    public SharedConcurrency(DataSource dataSource, Clock clock, String instance, Duration staleAfter, boolean enabled) {
        this.enabled = enabled;
        this.dataSource = dataSource;
        this.clock = clock;
        this.instance = instance;
        this.staleAfter = staleAfter;
    }

    @Override
    public int take(String key, int limit) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                LocalDateTime now = now();
                update(connection, "INSERT INTO key_slots (key_name, in_flight) VALUES (?, 0) ON CONFLICT DO NOTHING", key);
                if (update(connection, "UPDATE key_slots SET in_flight = in_flight + 1 WHERE key_name = ? AND in_flight < ?", key, limit) == 0) {
                    connection.rollback();
                    return FULL;
                }
                update(connection, "INSERT INTO key_slots_held (key_name, instance_id, held, heartbeat_at) VALUES (?, ?, 0, ?) "
                        + "ON CONFLICT DO NOTHING", key, instance, now);
                update(connection, "UPDATE key_slots_held SET held = held + 1, heartbeat_at = ? WHERE key_name = ? AND instance_id = ?",
                        now, key, instance);
                connection.commit();
                return TAKEN;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            LOG.warn("Concurrency limit of key '{}' counted by this instance alone: {}", LogText.token(key), e.getClass().getSimpleName());
            return NOT_COUNTED;
        }
    }

    @Override
    public void release(String key) {
        if (!giveBack(key)) {
            unreleased.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** One slot of this instance's back; false when the database did not take it. */
    private boolean giveBack(String key) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // the key's row first (as every statement here), then this instance's: only a slot it still holds
                lockKey(connection, key);
                if (update(connection, "UPDATE key_slots_held SET held = held - 1 WHERE key_name = ? AND instance_id = ? AND held > 0",
                        key, instance) == 1) {
                    update(connection, "UPDATE key_slots SET in_flight = in_flight - 1 WHERE key_name = ? AND in_flight > 0", key);
                }
                connection.commit();
                return true;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Every few seconds: this instance's rows beat (and slots it could not give back go back now); the rows of instances
     * whose heartbeat stopped longer than the stale time ago are given back and removed.
     */
    public void upkeep() {
        if (!enabled) {
            return;
        }
        for (Map.Entry<String, AtomicInteger> pending : unreleased.entrySet()) {
            while (pending.getValue().get() > 0 && giveBack(pending.getKey())) {
                pending.getValue().decrementAndGet();
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            update(connection, "UPDATE key_slots_held SET heartbeat_at = ? WHERE instance_id = ?", now(), instance);
            List<String[]> stale = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT key_name, instance_id FROM key_slots_held WHERE heartbeat_at < ? AND instance_id <> ?")) {
                select.setObject(1, LocalDateTime.ofInstant(clock.instant().minus(staleAfter), ZoneOffset.UTC));
                select.setString(2, instance);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        stale.add(new String[] {rows.getString(1), rows.getString(2)});
                    }
                }
            }
            for (String[] row : stale) {
                reap(connection, row[0], row[1]);
            }
        } catch (SQLException e) {
            LOG.debug("Key slots not kept up now: {}", e.getMessage());
        }
    }

    /** Gives back what a stopped instance held of a key, and forgets its row. */
    private void reap(Connection connection, String key, String stopped) throws SQLException {
        connection.setAutoCommit(false);
        try {
            lockKey(connection, key);
            int held = 0;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT held FROM key_slots_held WHERE key_name = ? AND instance_id = ? AND heartbeat_at < ?")) {
                select.setString(1, key);
                select.setString(2, stopped);
                select.setObject(3, LocalDateTime.ofInstant(clock.instant().minus(staleAfter), ZoneOffset.UTC));
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        connection.rollback();
                        return; // it beat meanwhile, or another instance reaped it
                    }
                    held = rows.getInt(1);
                }
            }
            update(connection, "UPDATE key_slots SET in_flight = GREATEST(in_flight - ?, 0) WHERE key_name = ?", held, key);
            update(connection, "DELETE FROM key_slots_held WHERE key_name = ? AND instance_id = ?", key, stopped);
            connection.commit();
            if (held > 0) {
                LOG.info("Key '{}': {} calls in flight of stopped instance {} given back", LogText.token(key), held, LogText.token(stopped));
            }
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static void lockKey(Connection connection, String key) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT in_flight FROM key_slots WHERE key_name = ? FOR UPDATE")) {
            lock.setString(1, key);
            lock.executeQuery().close();
        }
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** For tests and the usage view: the calls in flight the database counts for a key. */
    public int inFlight(String key) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT in_flight FROM key_slots WHERE key_name = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        }
    }
}
