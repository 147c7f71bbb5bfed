package dev.imagegateway.spend;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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
 * are given back by the others. Every transaction locks the key's row first, so none deadlock. The statements are
 * src/main/resources/sql/slots-*.sql, run over JDBC (SqlFile): a take is several of them in one transaction. While the
 * database does not answer, each instance counts on its own.
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
                SqlFile.of("slots-open").update(connection, Map.of("key_name", key));
                if (SqlFile.of("slots-take").update(connection, Map.of("key_name", key, "limit", limit)) == 0) {
                    connection.rollback();
                    return FULL;
                }
                SqlFile.of("slots-call").update(connection, Map.of("call_id", call, "key_name", key, "instance_id", process, "now", now()));
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
                SqlFile.of("slots-lock").query(connection, Map.of("key_name", key));
                if (SqlFile.of("slots-end-call").update(connection, Map.of("call_id", call)) == 1) {
                    SqlFile.of("slots-give-back").update(connection, Map.of("key_name", key, "count", 1));
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
            Map<String, Object> beat = Map.of("instance_id", process, "now", now());
            if (SqlFile.of("slots-beat").update(connection, beat) == 0) {
                SqlFile.of("slots-register").update(connection, beat);
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
            for (Map<String, Object> stale : SqlFile.of("slots-stale").query(connection, Map.of("instance_id", process, "before", before))) {
                reap(connection, (String) stale.get("key_name"), (String) stale.get("instance_id"), before);
            }
            SqlFile.of("slots-forget").update(connection, Map.of("before", before));
        } catch (SQLException e) {
            LOG.debug("Key slots not kept up now: {}", e.getMessage());
        }
    }

    /** Gives back the key's calls of a process that stopped, each once. */
    private void reap(Connection connection, String key, String stopped, LocalDateTime before) throws SQLException {
        connection.setAutoCommit(false);
        try {
            SqlFile.of("slots-lock").query(connection, Map.of("key_name", key));
            int gone = SqlFile.of("slots-reap").update(connection, Map.of("key_name", key, "stopped", stopped, "before", before));
            if (gone > 0) {
                SqlFile.of("slots-give-back").update(connection, Map.of("key_name", key, "count", gone));
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

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** The calls in flight the database counts for a key. */
    public int inFlight(String key) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            List<Map<String, Object>> rows = SqlFile.of("slots-in-flight").query(connection, Map.of("key_name", key));
            return rows.isEmpty() ? 0 : ((Number) rows.get(0).get("in_flight")).intValue();
        }
    }
}
