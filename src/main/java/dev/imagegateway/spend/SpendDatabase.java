package dev.imagegateway.spend;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of the spend ledger and the budgets: PostgreSQL when DATABASE_URL is set, else an embedded H2 file under
 * DATA_DIR, created at first start (so the gateway still needs nothing installed). H2 runs in its PostgreSQL mode, so
 * both take the same SQL (src/main/resources/sql); Flyway makes and migrates the schema (db/migration) at start.
 */
public final class SpendDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpendDatabase.class);

    private final HikariDataSource dataSource;
    private final String description;

    private SpendDatabase(HikariDataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    /**
     * Opens the pool and migrates the schema.
     *
     * @param databaseUrl {@code postgresql://user:password@host:port/db} (Heroku's and libpq's form),
     *                    {@code jdbc:postgresql://...} or {@code jdbc:h2:...}; empty for the embedded H2 file
     */
    public static SpendDatabase open(String databaseUrl, String user, String password, Path dataDir, int poolSize) {
        return open(databaseUrl, user, password, dataDir, poolSize, 5000);
    }

    public static SpendDatabase open(String databaseUrl, String user, String password, Path dataDir, int poolSize,
                                     long connectTimeoutMs) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("spend-db");
        config.setMaximumPoolSize(poolSize);
        // a database that is down fails a budgeted call quickly (503) rather than holding it
        config.setConnectionTimeout(Math.max(250, connectTimeoutMs));
        config.setInitializationFailTimeout(-1);
        String description;
        String url = databaseUrl == null ? "" : databaseUrl.trim();
        if (url.isEmpty()) {
            Path file = dataDir.toAbsolutePath().resolve("gateway");
            // H2 writes commits to its file within half a second; the rows of that half second are kept by
            // LedgerWriteAhead, so that a kill -9 loses none
            config.setJdbcUrl("jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                    + ";LOCK_TIMEOUT=10000");
            config.setUsername("sa");
            config.setPassword("");
            description = "H2 " + file + ".mv.db";
        } else if (url.startsWith("jdbc:")) {
            config.setJdbcUrl(url);
            if (user != null && !user.isBlank()) {
                config.setUsername(user);
            }
            if (password != null && !password.isBlank()) {
                config.setPassword(password);
            }
            description = url.replaceAll("(?i)password=[^&;]*", "password=***");
        } else if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (java.net.URISyntaxException e) {
                // the message would quote the URL, password and all
                throw new IllegalArgumentException("DATABASE_URL is not a valid URL (percent-encode special characters "
                        + "in the user name and password)");
            }
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            config.setJdbcUrl("jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + uri.getRawPath() + query);
            String info = uri.getRawUserInfo();
            if (info != null) {
                int colon = info.indexOf(':');
                config.setUsername(decode(colon < 0 ? info : info.substring(0, colon)));
                if (colon >= 0) {
                    config.setPassword(decode(info.substring(colon + 1)));
                }
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("DATABASE_URL names no host (postgresql://user:password@host:5432/db)");
            }
            if (user != null && !user.isBlank()) {
                config.setUsername(user);
            }
            if (password != null && !password.isBlank()) {
                config.setPassword(password);
            }
            description = "PostgreSQL " + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath();
        } else {
            throw new IllegalArgumentException("DATABASE_URL must start with postgresql://, postgres:// or jdbc: (it starts "
                    + (url.length() > 12 ? "with '" + url.substring(0, 12).replaceAll("[^A-Za-z:/.]", "?") + "...'" : "otherwise") + ")");
        }
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            var result = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .loggers("slf4j").load().migrate();
            LOG.info("Spend ledger: {} (schema version {}{})", description, result.targetSchemaVersion == null
                    ? Flyway.configure().dataSource(dataSource).load().info().current().getVersion() : result.targetSchemaVersion,
                    result.migrationsExecuted > 0 ? ", " + result.migrationsExecuted + " migrations applied" : "");
        } catch (RuntimeException e) {
            dataSource.close();
            throw new IllegalStateException("Cannot open the spend ledger's database (" + description + "): "
                    + rootMessage(e), e);
        }
        return new SpendDatabase(dataSource, description);
    }

    /** H2: everything committed, onto its file now. */
    public void checkpoint() {
        if (!embedded()) {
            return;
        }
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("H2 checkpoint failed: " + e.getMessage(), e);
        }
    }

    /**
     * At start, before any call: rows a crash may have kept from the database's file inserted again (the ledger's own
     * statement; a row already there is kept once). Returns how many were missing.
     */
    public int replay(java.util.List<java.util.Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        int inserted = run("ledger-insert", rows);
        if (inserted > 0) {
            LOG.info("Ledger: {} rows a crash had kept from the database written again", inserted);
        }
        return inserted;
    }

    /**
     * At start, before any call (one gateway per database): reservations left by a process that died are dropped and
     * each current period's spending recounted from the ledger, which is written before each settlement.
     */
    public int recountBudgets(java.time.Instant now) {
        java.util.Map<String, Object> at = java.util.Map.of("now", java.time.LocalDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
        run("budget-holds-clear", java.util.List.of(at));
        int rows = run("budget-recount", java.util.List.of(at));
        if (rows > 0) {
            LOG.info("Budgets: {} current budget periods recounted from the ledger", rows);
        }
        return rows;
    }

    /**
     * One of the spend statements (src/main/resources/sql, the same files the camel-sql routes run) over plain JDBC,
     * for the start-up work done before the routes run: once per parameter map; returns the rows changed.
     */
    private int run(String name, java.util.List<? extends java.util.Map<String, Object>> parameterSets) {
        SqlFile statement = SqlFile.of(name);
        int changed = 0;
        try (var connection = dataSource.getConnection()) {
            for (var parameters : parameterSets) {
                changed += statement.update(connection, parameters);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("The spend database failed " + name + " at start: " + e.getMessage(), e);
        }
        return changed;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String description() {
        return description;
    }

    /** True when the database is H2 (embedded). */
    public boolean embedded() {
        return description.startsWith("H2");
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static String decode(String s) {
        // percent-decoding only: a '+' in a password is a '+', not a space
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // a driver's message may quote the URL it was given
        return message.replaceAll("(?i)password=[^&;\\s]*", "password=***");
    }
}
