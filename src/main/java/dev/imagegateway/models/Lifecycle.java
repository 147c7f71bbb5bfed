package dev.imagegateway.models;

import java.time.LocalDate;

/**
 * Where a model is in its life: active; deprecated (served as itself until its shutdown date, then by its
 * replacement or refused); retired (shut down upstream, served by the model it maps to, or refused).
 *
 * @param state       the declared state
 * @param shutdown    the shutdown date (required for deprecated; when it happened, for retired), or null
 * @param replacement the model that serves its requests once it is shut down, or null to refuse them
 */
public record Lifecycle(State state, LocalDate shutdown, String replacement) {

    public enum State { ACTIVE, DEPRECATED, RETIRED }

    public static final Lifecycle ACTIVE = new Lifecycle(State.ACTIVE, null, null);

    /** True when, on {@code today}, the model no longer serves requests as itself. */
    public boolean isShutDown(LocalDate today) {
        return state == State.RETIRED || (state == State.DEPRECATED && !today.isBefore(shutdown));
    }

    /** Days from {@code today} to the shutdown, or null when none is planned. */
    public Long daysToShutdown(LocalDate today) {
        return state == State.DEPRECATED ? java.time.temporal.ChronoUnit.DAYS.between(today, shutdown) : null;
    }
}
