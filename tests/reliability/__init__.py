"""Crash tests with a ledger, for the whole system.

Several real hub processes on one database (a SQLite file, or a PostgreSQL
server of the run's own), one configurable-http-proxy started apart from
them, stand-in single-user servers. Eight clients send a mixed write load
(users, renames, deletions, groups and members, tokens, server starts and
stops, shares) to the processes at random, and keep a ledger of every write
the hub acknowledged. Meanwhile faults come one at a time at random
instants: a hub process killed with SIGKILL (and started again), the proxy
killed with SIGKILL (and started again, empty, as a supervisor would), the
PostgreSQL server restarted. At the end the ledger is checked against what
the hub holds, and the system's invariants are checked (:mod:`.chaos`).

- ``tests/test_crash_ledger.py`` runs a short version on both databases;
- ``python -m tests.reliability --db sqlite --faults 50`` (``make
  reliability``) runs the long one and prints its figures.
"""
