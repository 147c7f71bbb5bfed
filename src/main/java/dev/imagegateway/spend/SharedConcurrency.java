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
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.sql.DataSource;

import dev.imagegateway.ops.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls in flight per key counted in the spend database (keys.limits-shared=true), so that a key's {@code concurrency=}
 * holds across every instance sharing it. Taking a slot is one transaction: the key's count, raised only while under
 * the limit (a conditional UPDATE: the row lock makes concurrent takers wait and check again), and a row for the call
 * naming this process. Giving it back deletes that row and lowers the count only if the row was there, so a slot is
 * never given back twice. Each process beats every few seconds; the calls of a process whose heartbeat stopped (killed)
 * are given back by the others. Every transaction locks the key's row first, so none deadlock. Plain JDBC, not
 * camel-sql: a take is several statements in one transaction. While the database does not answer, each instance
 * counts on its own.
 */
public class SharedConcurrency implements dev.imagegateway.security.KeyLimiter.SlotCounter {

    private static final Logger LOG = LoggerFactory.getLogger(SharedConcurrency.class);

    private final DataSource dataSource;
    private final SpendSql sql;
    private final Clock clock;
    /** This process: the instance's name and a part of its own, so that a restart under the same name is another. */
    private final String process;
    private final Duration staleAfter;
    private final boolean enabled;
    /** Calls whose slot could not be given back (the database away): given back by the upkeep. */
    private final Queue<String> unreleased = new ConcurrentLinkedQueue<>();

    /** @param enabled false when limits are counted by each instance (keys.limits-shared=false): the upkeep does nothing */
    public SharedConcurrency(DataSource dataSource, SpendSql sql, Clock clock, String instance, Duration staleAfter, boolean enabled) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.clock = clock;
        this.process = instance + "#" + UUID.randomUUID().toString().substring(0, 8);
        this.staleAfter = staleAfter;
        this.enabled = enabled;
    }

    @Override
    public Slot take(String key, int limit) {
        if (sql != null && sql.failure() != null) {
            return NOT_COUNTED; // known to be away (the probe): no connection wait
        }
        String call = UUID.randomUUID().toString();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                update(connection, "INSERT INTO key_slots (key_name, in_flight) VALUES (?, 0) ON CONFLICT DO NOTHING", key);
                if (update(connection, "UPDATE key_slots SET in_flight = in_flight + 1 WHERE key_name = ? AND in_flight < ?", key, limit) == 0) {
                    connection.rollback();
                    return FULL;
                }
                update(connection, "INSERT INTO key_slot_calls (call_id, key_name, instance_id, started_at) VALUES (?, ?, ?, ?)",
                        call, key, process, now());
                connection.commit();
                return () -> release(key, call);
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            LOG.warn("Concurrency limit of key '{}' counted by this instance alone: {}", LogText.token(key), e.getClass().getSimpleName());
            return NOT_COUNTED;
        }
    }

    private void release(String key, String call) {
        if (!giveBack(key, call)) {
            unreleased.add(key + '\u0000' + call);
        }
    }

    /** The call's slot back, if its row is still there (not given back already by another's sweep); false when the database did not answer. */
    private boolean giveBack(String key, String call) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                lockKey(connection, key);
                if (update(connection, "DELETE FROM key_slot_calls WHERE call_id = ?", call) == 1) {
                    update(connection, "UPDATE key_slots SET in_flight = GREATEST(in_flight - 1, 0) WHERE key_name = ?", key);
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
     * Every few seconds: this process beats; slots it could not give back go back now; the calls of processes whose
     * heartbeat stopped longer than the stale time ago (or that never beat, for calls older than that) are given back.
     */
    public void upkeep() {
        if (!enabled) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (update(connection, "UPDATE slot_instances SET heartbeat_at = ? WHERE instance_id = ?", now(), process) == 0) {
                update(connection, "INSERT INTO slot_instances (instance_id, heartbeat_at) VALUES (?, ?) ON CONFLICT DO NOTHING", process, now());
            }
        } catch (SQLException e) {
            LOG.debug("Key slots: no heartbeat now: {}", e.getMessage());
            return;
        }
        for (int i = unreleased.size(); i > 0; i--) {
            String pending = unreleased.poll();
            if (pending == null) {
                break;
            }
            int split = pending.indexOf('\u0000');
            if (!giveBack(pending.substring(0, split), pending.substring(split + 1))) {
                unreleased.add(pending);
                break;
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            LocalDateTime before = LocalDateTime.ofInstant(clock.instant().minus(staleAfter), ZoneOffset.UTC);
            List<String[]> stale = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT DISTINCT c.key_name, c.instance_id FROM key_slot_calls c LEFT JOIN slot_instances i ON i.instance_id = c.instance_id "
                            + "WHERE c.instance_id <> ? AND c.started_at < ? AND (i.instance_id IS NULL OR i.heartbeat_at < ?)")) {
                select.setString(1, process);
                select.setObject(2, before);
                select.setObject(3, before);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        stale.add(new String[] {rows.getString(1), rows.getString(2)});
                    }
                }
            }
            for (String[] row : stale) {
                reap(connection, row[0], row[1], before);
            }
            update(connection, "DELETE FROM slot_instances WHERE heartbeat_at < ? AND instance_id NOT IN "
                    + "(SELECT instance_id FROM key_slot_calls)", before);
        } catch (SQLException e) {
            LOG.debug("Key slots not kept up now: {}", e.getMessage());
        }
    }

    /** Gives back the key's calls of a process that stopped, each once. */
    private void reap(Connection connection, String key, String stopped, LocalDateTime before) throws SQLException {
        connection.setAutoCommit(false);
        try {
            lockKey(connection, key);
            // checked again under the key's lock: a process that beat meanwhile keeps its calls
            int gone = update(connection, "DELETE FROM key_slot_calls WHERE key_name = ? AND instance_id = ? AND started_at < ? "
                    + "AND NOT EXISTS (SELECT 1 FROM slot_instances i WHERE i.instance_id = ? AND i.heartbeat_at >= ?)",
                    key, stopped, before, stopped, before);
            if (gone > 0) {
                update(connection, "UPDATE key_slots SET in_flight = GREATEST(in_flight - ?, 0) WHERE key_name = ?", gone, key);
            }
            connection.commit();
            if (gone > 0) {
                LOG.info("Key '{}': {} calls in flight of stopped instance {} given back", LogText.token(key), gone, LogText.token(stopped));
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

    /** The calls in flight the database counts for a key. */
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
