package dev.imagegateway.spend;

import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.sql.SqlConstants;

/**
 * Runs the spend statements (src/main/resources/sql, one route each in routes/spend.yaml, through camel-sql) with
 * named parameters from a map, and says what they did.
 */
public class SpendSql {

    private final CamelContext context;
    private volatile ProducerTemplate template;
    /** Why the last statement failed, or null when it went through (readiness). */
    private volatile String failure;

    public SpendSql(CamelContext context) {
        this.context = context;
    }

    /** Runs an INSERT or UPDATE; returns the rows it changed. */
    public int update(String statement, Map<String, Object> parameters) {
        Exchange done = send(statement, parameters);
        Integer count = done.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT, Integer.class);
        return count == null ? 0 : count;
    }

    /** Runs a SELECT; returns its rows, columns by their lower-case names. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> query(String statement, Map<String, Object> parameters) {
        return send(statement, parameters).getMessage().getBody(List.class);
    }

    private Exchange send(String statement, Map<String, Object> parameters) {
        Exchange done = template().send("direct:sql-" + statement, e -> e.getMessage().setBody(parameters));
        if (done.getException() != null) {
            throw new SpendStoreException(statement, done.getException());
        }
        return done;
    }

    /** Why the database did not answer the last probe, or null when it did (a statement refused is not an outage). */
    public String failure() {
        return failure;
    }

    /** One trivial statement: true when the database answers. */
    public boolean probe() {
        try {
            query("probe", Map.of());
            failure = null;
            return true;
        } catch (SpendStoreException e) {
            failure = e.getMessage();
            return false;
        }
    }

    private ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }

    /** The database did not do what was asked (down, or refused the statement). */
    public static final class SpendStoreException extends RuntimeException {
        public SpendStoreException(String statement, Throwable cause) {
            super("The spend database failed " + statement + ": " + cause.getClass().getSimpleName(), cause);
        }

        /** True when the database refused the row itself (a constraint: SQLState class 23), not when it was away. */
        public boolean rowRefused() {
            for (Throwable t = getCause(); t != null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                    return true;
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            return false;
        }
    }
}
