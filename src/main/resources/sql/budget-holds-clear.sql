-- at start with budget.recount-at-start (one instance): no call is in flight
DELETE FROM budget_holds
