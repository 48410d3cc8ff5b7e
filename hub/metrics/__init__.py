"""Prometheus metrics, correct whichever hub process is scraped.

Several hub processes may serve one hub behind one proxy, and a scrape of
``/hub/metrics`` reaches any one of them, so every figure is the whole
hub's: gauges are counted in the database at scrape time; counters and
histograms are observed in the process where things happen, flushed as
deltas into the database's totals every ``c.JupyterHub.metrics_flush_interval``
seconds (and when the process stops), and a scrape answers the totals plus
the scraped process's own observations not flushed yet. Another process's
last few seconds therefore appear after its next flush.

The names of the metrics and their help are data (:mod:`hub.metrics.catalogue`).
Other code counts with::

    from hub import metrics

    metrics.inc(metrics.WEBHOOK_FAILURES)
    metrics.observe(metrics.STOP_DURATION, {"status": "success"}, 0.8)

Labels are given by name, exactly those the metric declares (anything else
is a ``ValueError``), and their values must come from a small set: every
combination is a row of the database, kept for good.
"""

from __future__ import annotations

from hub.metrics.catalogue import (
    ACTIVE_USERS,
    EVENTS_SENT,
    LEASE_TAKEOVERS,
    REQUEST_DURATION,
    RUNNING_SERVERS,
    SPAWN_DURATION,
    SPAWNS_IN_FLIGHT,
    STOP_DURATION,
    TOTAL_USERS,
    WEBHOOK_FAILURES,
)
from hub.metrics.recorder import Recorder

__all__ = [
    "ACTIVE_USERS",
    "EVENTS_SENT",
    "LEASE_TAKEOVERS",
    "RECORDER",
    "REQUEST_DURATION",
    "RUNNING_SERVERS",
    "SPAWNS_IN_FLIGHT",
    "SPAWN_DURATION",
    "STOP_DURATION",
    "TOTAL_USERS",
    "WEBHOOK_FAILURES",
    "Recorder",
    "inc",
    "observe",
]

#: this process's observations (a process serves one hub)
RECORDER = Recorder()
inc = RECORDER.inc
observe = RECORDER.observe
