-- the call settles its reservation: only the holder of the row gives the amount back (never twice with the sweep)
DELETE FROM budget_holds WHERE hold_id = :#hold_id
