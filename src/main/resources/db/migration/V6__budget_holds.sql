-- Each budget reservation of a call in flight, with when it can no longer be in flight (its call's deadline passed):
-- a reservation an instance could not settle (killed) is given back by any instance once it has expired, so several
-- instances sharing the budgets need not recount them at start.
CREATE TABLE budget_holds (
    hold_id    VARCHAR(80)    PRIMARY KEY,
    key_name   VARCHAR(200)   NOT NULL,
    period     VARCHAR(8)     NOT NULL,
    starts_at  TIMESTAMP      NOT NULL,
    amount_usd NUMERIC(14, 6) NOT NULL,
    expires_at TIMESTAMP      NOT NULL
);
CREATE INDEX budget_holds_expiry ON budget_holds (expires_at);
