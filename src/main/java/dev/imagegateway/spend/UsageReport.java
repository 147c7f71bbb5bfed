package dev.imagegateway.spend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.rest.JsonResponses;
import dev.imagegateway.security.ApiKeyFilter;
import dev.imagegateway.security.ApiKeys;
import dev.imagegateway.security.KeyRing;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /api/usage?from=&to=&group_by=key|model|provider|day[&key=]}: what the ledger holds, in totals per group,
 * with the budgets as they stand. An admin key ({@code role=admin}, and the operator's API_SECRET_KEY keys) sees every
 * key and may pick one with {@code key}; any other key sees only its own. {@code from} and {@code to} are dates (whole
 * days, both included) or instants (ISO-8601, {@code to} excluded), UTC; by default the last 30 days.
 */
public class UsageReport implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> GROUPS = Set.of("key", "model", "provider", "day");
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private final SpendSql sql;
    private final Budgets budgets;
    private final KeyRing keys;
    private final java.time.ZoneId zone;

    public UsageReport(SpendSql sql, Budgets budgets, KeyRing keys, java.time.ZoneId zone) {
        this.sql = sql;
        this.budgets = budgets;
        this.keys = keys;
        this.zone = zone;
    }

    @Override
    public void process(Exchange exchange) {
        ApiKeys.Entry caller = exchange.getProperty(ApiKeyFilter.KEY, ApiKeys.Entry.class);
        boolean admin = caller == null || caller.grants().admin();
        String groupBy = param(exchange, "group_by", "day");
        if (!GROUPS.contains(groupBy)) {
            throw GatewayException.invalid("group_by", "group_by must be key, model, provider or day");
        }
        Instant now = budgets.clock().instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant from = instant(param(exchange, "from", null), "from", false, today.minusDays(29).atStartOfDay().toInstant(ZoneOffset.UTC));
        Instant to = instant(param(exchange, "to", null), "to", true, today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        if (!from.isBefore(to)) {
            throw GatewayException.invalid("from", "from must be before to");
        }
        String key = param(exchange, "key", null);
        if (!admin) {
            if (key != null && !key.equals(caller.name())) {
                throw new GatewayException(dev.imagegateway.error.ErrorKind.FORBIDDEN, "Key '" + caller.name()
                        + "' may see only its own usage", null, null, 0, "key", "permission_denied");
            }
            key = caller.name();
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from_at", LocalDateTime.ofInstant(from, ZoneOffset.UTC));
        params.put("to_at", LocalDateTime.ofInstant(to, ZoneOffset.UTC));
        params.put("key_name", key);
        List<Map<String, Object>> rows;
        try {
            rows = sql.query("usage-by-" + groupBy, params);
        } catch (SpendSql.SpendStoreException e) {
            throw new GatewayException(dev.imagegateway.error.ErrorKind.OVERLOADED, "The spend ledger's database cannot be reached", 5L, null);
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("from", from.toString());
        root.put("to", to.toString());
        root.put("group_by", groupBy);
        root.put("key", key);
        root.put("currency", "USD");
        long requests = 0;
        long images = 0;
        BigDecimal total = BigDecimal.ZERO;
        ArrayNode groups = root.putArray("groups");
        for (Map<String, Object> row : rows) {
            ObjectNode g = groups.addObject();
            g.put("group", String.valueOf(row.get("grp")));
            long r = number(row.get("requests")).longValue();
            long i = number(row.get("images")).longValue();
            BigDecimal cost = Budgets.decimal(row.get("cost_usd"));
            g.put("requests", r);
            g.put("images", i);
            g.put("cost_usd", cost.setScale(6, java.math.RoundingMode.HALF_UP));
            g.put("input_tokens", number(row.get("input_tokens")).longValue());
            g.put("output_tokens", number(row.get("output_tokens")).longValue());
            requests += r;
            images += i;
            total = total.add(cost);
        }
        ObjectNode totals = root.putObject("total");
        totals.put("requests", requests);
        totals.put("images", images);
        totals.put("cost_usd", total.setScale(6, java.math.RoundingMode.HALF_UP));
        ArrayNode budgetList = root.putArray("budgets");
        try {
            budgets(budgetList, key, now);
        } catch (SpendSql.SpendStoreException e) {
            throw new GatewayException(dev.imagegateway.error.ErrorKind.OVERLOADED, "The spend ledger's database cannot be reached", 5L, null);
        }
        try {
            JsonResponses.replyRaw(exchange, 200, Buffer.buffer(MAPPER.writeValueAsBytes(root)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getMessage().setHeader("Cache-Control", "no-store");
    }

    private void budgets(ArrayNode budgetList, String key, Instant now) {
        for (ApiKeys.Entry entry : keys.keys().entries()) {
            if (!entry.grants().hasBudget() || key != null && !key.equals(entry.name())) {
                continue;
            }
            for (Map.Entry<String, BigDecimal> budget : Budgets.limits(entry.grants()).entrySet()) {
                String period = budget.getKey();
                BudgetWindow window = BudgetWindow.of(period, now, zone);
                BigDecimal limit = budget.getValue();
                BigDecimal used = budgets.spent(entry.name(), window);
                ObjectNode b = budgetList.addObject();
                b.put("key", entry.name());
                b.put("period", period);
                b.put("limit_usd", limit);
                b.put("used_usd", used.setScale(6, java.math.RoundingMode.HALF_UP));
                b.put("remaining_usd", limit.subtract(used).max(BigDecimal.ZERO).setScale(6, java.math.RoundingMode.HALF_UP));
                b.put("resets_at", window.ends().toString());
            }
        }
    }

    private static String param(Exchange exchange, String name, String fallback) {
        String value = exchange.getMessage().getHeader(name, String.class);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static Instant instant(String value, String name, boolean end, Instant fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            Instant instant;
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                instant = (end ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else {
                instant = Instant.parse(value);
            }
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw GatewayException.invalid(name, name + " must be between 1970 and 9999");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw GatewayException.invalid(name, name + " must be a date (2026-11-26) or an instant (2026-11-26T12:00:00Z)");
        }
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : value == null ? 0 : Long.valueOf(value.toString());
    }
}
