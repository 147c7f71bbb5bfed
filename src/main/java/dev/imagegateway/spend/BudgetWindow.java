package dev.imagegateway.spend;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * One period of a budget: a day or a calendar month in the budgets' time zone (BUDGET_TIMEZONE, UTC by default),
 * stored as UTC instants.
 */
public record BudgetWindow(String period, Instant starts, Instant ends) {

    public static final String DAY = "day";
    public static final String MONTH = "month";

    /** The {@code period} (day or month) that holds {@code now}. */
    public static BudgetWindow of(String period, Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime start = switch (period) {
            case DAY -> local.toLocalDate().atStartOfDay(zone);
            case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
            default -> throw new IllegalArgumentException("period is day or month");
        };
        ZonedDateTime end = DAY.equals(period) ? start.plusDays(1) : start.plusMonths(1);
        return new BudgetWindow(period, start.toInstant(), end.toInstant());
    }

    public LocalDateTime startsUtc() {
        return LocalDateTime.ofInstant(starts, ZoneOffset.UTC);
    }

    public LocalDateTime endsUtc() {
        return LocalDateTime.ofInstant(ends, ZoneOffset.UTC);
    }
}
