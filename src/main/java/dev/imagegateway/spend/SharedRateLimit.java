package dev.imagegateway.spend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests per minute per key counted in the spend database, so that every instance sharing it draws on one
 * allowance (keys.limits-shared=true): a window per key and calendar minute, taken with one conditional UPDATE. While
 * the database does not answer, each instance counts on its own (its token bucket), and the log says so.
 */
public class SharedRateLimit implements dev.imagegateway.security.KeyLimiter.RateCounter {

    private static final Logger LOG = LoggerFactory.getLogger(SharedRateLimit.class);

    private final SpendSql sql;
    private final Clock clock;

    public SharedRateLimit(SpendSql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public long take(String key, int perMinute) {
        if (sql.failure() != null) {
            return NOT_COUNTED;
        }
        Instant now = clock.instant();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key_name", key);
        row.put("window_start", LocalDateTime.ofInstant(minute, ZoneOffset.UTC));
        try {
            sql.update("rate-open", row);
            row.put("limit_rpm", perMinute);
            if (sql.update("rate-take", row) == 1) {
                return 0;
            }
        } catch (SpendSql.SpendStoreException e) {
            LOG.warn("Rate limit of key '{}' counted by this instance alone: {}", dev.imagegateway.ops.LogText.token(key), e.getMessage());
            return NOT_COUNTED;
        }
        return Math.max(1, Duration.between(now, minute.plus(Duration.ofMinutes(1))).toMillis());
    }

    /** Windows older than a few minutes (the upkeep, each minute). */
    public void forget() {
        try {
            sql.update("rate-forget", Map.of("before", LocalDateTime.ofInstant(clock.instant().minus(Duration.ofMinutes(5)), ZoneOffset.UTC)));
        } catch (SpendSql.SpendStoreException e) {
            LOG.debug("Old rate windows not removed: {}", e.getMessage());
        }
    }
}
