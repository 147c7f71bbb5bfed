package dev.imagegateway.spend;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.ops.GatewayMetrics;
import dev.imagegateway.security.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-key budgets in US dollars, per day and per month, kept in the spend database so that every gateway sharing it
 * sees one budget. Before a call its estimate is reserved with one conditional UPDATE (the row stays locked while it
 * is checked and changed), so concurrent calls cannot take more than what is left; after the call the reservation
 * becomes the actual cost. A budget that would be overdrawn answers 429 {@code insufficient_quota}
 * (gRPC RESOURCE_EXHAUSTED), naming the budget and when it resets.
 */
public class Budgets {

    private static final Logger LOG = LoggerFactory.getLogger(Budgets.class);

    private final SpendSql sql;
    private final Clock clock;
    private final ZoneId zone;
    private final GatewayMetrics metrics;
    /** What is left of each key's budget for each period, as last read, for the gauge. */
    private final Map<String, BigDecimal> remaining = new ConcurrentHashMap<>();

    private dev.imagegateway.security.KeyRing keys;
    /** For the statements that must run together (a reservation and its hold): one JDBC transaction. */
    private javax.sql.DataSource dataSource;

    /** The spend database, for the reservations' transactions. */
    public Budgets on(javax.sql.DataSource database) {
        this.dataSource = database;
        return this;
    }

    /** How long a reservation may stay unsettled: longer than any call (its deadline and its save). */
    private java.time.Duration holdFor = java.time.Duration.ofMinutes(10);

    /** Reservations unsettled this long are given back (their instance stopped): the longest a call can take, and more. */
    public Budgets holdingFor(java.time.Duration duration) {
        this.holdFor = duration;
        return this;
    }

    /** The keys whose budgets the gauges show. */
    public Budgets withKeys(dev.imagegateway.security.KeyRing keyRing) {
        this.keys = keyRing;
        return this;
    }

    public Budgets(SpendSql sql, Clock clock, ZoneId zone, GatewayMetrics metrics) {
        this.sql = sql;
        this.clock = clock;
        this.zone = zone;
        this.metrics = metrics;
    }

    public Clock clock() {
        return clock;
    }

    /** Reserves the ticket's estimate against each of the key's budgets, or refuses the call. */
    public void reserve(SpendTicket ticket, ApiKeys.Grants grants) {
        BigDecimal amount = ticket.estimate().amount();
        if (sql.failure() != null) {
            // known to be away (the probe): refused at once rather than after a connection wait
            throw new GatewayException(ErrorKind.OVERLOADED, "The spend ledger's database cannot be reached; calls by keys "
                    + "with a budget are refused until it is back", 5L, null);
        }
        for (Map.Entry<String, BigDecimal> budget : budgets(grants).entrySet()) {
            BudgetWindow window = BudgetWindow.of(budget.getKey(), ticket.started(), zone);
            Map<String, Object> row = row(ticket.keyName(), window);
            try {
                sql.update("budget-open", withEnds(row, window));
                row.put("amount", amount);
                row.put("limit_usd", budget.getValue());
                if (reserveAndHold(ticket, window, row)) {
                    ticket.reserved(window);
                    continue;
                }
            } catch (SpendSql.SpendStoreException e) {
                release(ticket);
                LOG.warn("Budget of key '{}' not checked: {}", dev.imagegateway.ops.LogText.token(ticket.keyName()), e.getMessage());
                throw new GatewayException(ErrorKind.OVERLOADED, "The spend ledger's database cannot be reached; calls by keys "
                        + "with a budget are refused until it is back", 5L, null);
            }
            release(ticket);
            if (amount.compareTo(budget.getValue()) > 0) {
                // waiting for the reset would not help: say so, rather than when it resets
                throw new GatewayException(ErrorKind.QUOTA_EXCEEDED, "This request may cost up to " + usd(amount)
                        + ", more than the whole budget of " + usd(budget.getValue()) + " per " + budget.getKey()
                        + " for key '" + ticket.keyName() + "'; ask for fewer or smaller images", null, null, 0, null,
                        "insufficient_quota");
            }
            BigDecimal used = spent(ticket.keyName(), window);
            publish(ticket.keyName(), window, budget.getValue(), used);
            throw new GatewayException(ErrorKind.QUOTA_EXCEEDED, "Budget of " + usd(budget.getValue()) + " per "
                    + budget.getKey() + " for key '" + ticket.keyName() + "' is spent: " + usd(used) + " used or reserved, "
                    + "and this request may cost up to " + usd(amount) + ". It resets at "
                    + DateTimeFormatter.ISO_INSTANT.format(window.ends()) + ".", null, null, 0, null, "insufficient_quota");
        }
    }

    /** The reservation becomes {@code cost} (0 for a call that failed); once per ticket. */
    public void settle(SpendTicket ticket, BigDecimal cost, ApiKeys.Grants grants) {
        if (!ticket.settle()) {
            return;
        }
        Map<String, BigDecimal> limits = grants == null ? Map.of() : budgets(grants);
        for (BudgetWindow window : ticket.reservations()) {
            Map<String, Object> row = row(ticket.keyName(), window);
            row.put("cost_usd", cost);
            row.put("amount", ticket.estimate().amount());
            try {
                settleHeld(holdId(ticket, window), row);
                BigDecimal limit = limits.get(window.period());
                if (limit != null) {
                    publish(ticket.keyName(), window, limit, spent(ticket.keyName(), window));
                }
            } catch (SpendSql.SpendStoreException e) {
                // the ledger has the row; the reservation comes back when its hold expires (the sweep)
                LOG.warn("Budget of key '{}' not settled: {}", dev.imagegateway.ops.LogText.token(ticket.keyName()), e.getMessage());
            }
        }
    }

    /**
     * One transaction: the reservation (if the budget has room) and its hold, which lives until the call settles it or
     * its call's deadline has passed; never one without the other.
     */
    private boolean reserveAndHold(SpendTicket ticket, BudgetWindow window, Map<String, Object> row) {
        Map<String, Object> hold = new LinkedHashMap<>(row);
        hold.put("hold_id", holdId(ticket, window));
        hold.put("expires_at", java.time.LocalDateTime.ofInstant(clock.instant().plus(holdFor), java.time.ZoneOffset.UTC));
        return inTransaction("budget-reserve", connection -> {
            if (SqlFile.of("budget-reserve").update(connection, row) != 1) {
                return false;
            }
            SqlFile.of("budget-hold").update(connection, hold);
            return true;
        });
    }

    /**
     * One transaction: the hold goes, and with it the reservation becomes the cost; a hold the sweep took first (its
     * call outlived its deadline) means the reservation went back already, and only the cost is counted.
     */
    private void settleHeld(String holdId, Map<String, Object> row) {
        inTransaction("budget-settle", connection -> {
            if (SqlFile.of("budget-unhold").update(connection, Map.of("hold_id", holdId)) == 1) {
                SqlFile.of("budget-settle").update(connection, row);
            } else {
                SqlFile.of("budget-spend").update(connection, row);
            }
            return true;
        });
    }

    private interface Work {
        boolean run(java.sql.Connection connection) throws java.sql.SQLException;
    }

    private boolean inTransaction(String what, Work work) {
        try (java.sql.Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                boolean done = work.run(connection);
                if (done) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return done;
            } catch (java.sql.SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (java.sql.SQLException e) {
            throw new SpendSql.SpendStoreException(what, e);
        }
    }

    private static String holdId(SpendTicket ticket, BudgetWindow window) {
        return ticket.ticketId() + ":" + window.period();
    }

    /**
     * Each minute: reservations whose calls can no longer be in flight (their instance was killed before it settled
     * them) go back to their budgets, so that instances sharing the budgets need not recount them at start.
     */
    public void sweepExpired() {
        try {
            for (Map<String, Object> hold : sql.query("budget-expired",
                    Map.of("now", java.time.LocalDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)))) {
                // one transaction: only the instance whose delete takes the hold gives its reservation back
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("key_name", hold.get("key_name"));
                row.put("period", hold.get("period"));
                row.put("starts_at", hold.get("starts_at"));
                row.put("amount", hold.get("amount_usd"));
                boolean mine = inTransaction("budget-unreserve", connection -> {
                    if (SqlFile.of("budget-unhold").update(connection, Map.of("hold_id", hold.get("hold_id"))) != 1) {
                        return false;
                    }
                    SqlFile.of("budget-unreserve").update(connection, row);
                    return true;
                });
                if (mine) {
                    LOG.info("Budget of key '{}': a reservation of {} left by a stopped call given back",
                            dev.imagegateway.ops.LogText.token(String.valueOf(hold.get("key_name"))), usd(decimal(hold.get("amount_usd"))));
                }
            }
        } catch (SpendSql.SpendStoreException e) {
            LOG.debug("Expired reservations not swept now: {}", e.getMessage());
        }
    }

    private void release(SpendTicket ticket) {
        settle(ticket, BigDecimal.ZERO, null);
    }

    /** What is spent and reserved in the window now. */
    public BigDecimal spent(String key, BudgetWindow window) {
        List<Map<String, Object>> rows = sql.query("budget-read", row(key, window));
        if (rows.isEmpty()) {
            return BigDecimal.ZERO;
        }
        return decimal(rows.get(0).get("spent_usd")).add(decimal(rows.get(0).get("reserved_usd")));
    }

    /**
     * The budgets of every budgeted key as they stand now, for the gauges: at start, then each minute (a new day's
     * budget shows whole from its first minute, and a key added to the file appears before its first call).
     */
    public void publishAll() {
        if (keys == null) {
            return;
        }
        for (ApiKeys.Entry entry : keys.keys().entries()) {
            for (Map.Entry<String, BigDecimal> budget : budgets(entry.grants()).entrySet()) {
                BudgetWindow window = BudgetWindow.of(budget.getKey(), clock.instant(), zone);
                try {
                    publish(entry.name(), window, budget.getValue(), spent(entry.name(), window));
                } catch (SpendSql.SpendStoreException e) {
                    LOG.warn("Budget of key '{}' not read: {}", dev.imagegateway.ops.LogText.token(entry.name()), e.getMessage());
                }
            }
        }
    }

    private void publish(String key, BudgetWindow window, BigDecimal limit, BigDecimal used) {
        String id = key + '\u0000' + window.period();
        if (remaining.put(id, limit.subtract(used).max(BigDecimal.ZERO)) == null) {
            metrics.gauge("gateway.budget.remaining.usd", "US dollars left of each key's budget in the current period",
                    () -> remaining.getOrDefault(id, BigDecimal.ZERO).doubleValue(), "key", key, "period", window.period());
        }
    }

    private static Map<String, BigDecimal> budgets(ApiKeys.Grants grants) {
        Map<String, BigDecimal> budgets = new LinkedHashMap<>();
        if (grants.budgetDay() != null) {
            budgets.put(BudgetWindow.DAY, grants.budgetDay());
        }
        if (grants.budgetMonth() != null) {
            budgets.put(BudgetWindow.MONTH, grants.budgetMonth());
        }
        return budgets;
    }

    private static Map<String, Object> row(String key, BudgetWindow window) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key_name", key);
        row.put("period", window.period());
        row.put("starts_at", window.startsUtc());
        return row;
    }

    private static Map<String, Object> withEnds(Map<String, Object> row, BudgetWindow window) {
        Map<String, Object> open = new LinkedHashMap<>(row);
        open.put("ends_at", window.endsUtc());
        return open;
    }

    static BigDecimal decimal(Object value) {
        if (value == null) {
            return BigDecimal.ZERO;
        }
        return value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
    }

    static String usd(BigDecimal amount) {
        BigDecimal a = amount.stripTrailingZeros();
        return "$" + (a.scale() <= 2 ? amount.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString() : a.toPlainString());
    }

    /** The key's budgets: period (day, month) to US dollars. */
    static Map<String, BigDecimal> limits(ApiKeys.Grants grants) {
        return budgets(grants);
    }
}
