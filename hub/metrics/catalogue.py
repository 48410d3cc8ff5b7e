"""Every metric the hub exports, as data: name, kind, help, labels, buckets.

The names and labels of JupyterHub's metrics are kept where this hub has
the same thing to report (dashboards and alerts written for JupyterHub keep
working); the hub's own metrics are prefixed ``hub_``.

Three kinds:

- a *gauge* is read from the database when ``/hub/metrics`` is scraped (how
  many users, servers, ...): every hub process answers the same figure;
- a *counter* and a *histogram* are observed in the process where the thing
  happened, and added up over all processes in the database
  (:mod:`hub.metrics.recorder`, :mod:`hub.core.metrics`).

A leaf module: it imports nothing of the hub, so that core, the web layer
and the ASGI layer may all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

INF = float("inf")

#: request durations: Prometheus' own default buckets (JupyterHub's too)
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, INF)
#: starts take seconds to minutes
SPAWN_BUCKETS = (0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 180, 300, 600, INF)
#: stops, as JupyterHub buckets them (Prometheus' defaults)
STOP_BUCKETS = REQUEST_BUCKETS

Kind = Literal["gauge", "counter", "histogram"]


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...] = ()
    #: upper bounds of a histogram's buckets, the last one infinite
    buckets: tuple[float, ...] = ()
    #: label values reported (at zero) before anything is observed, so that
    #: a rate or an alert on them has a series to start from
    initial: tuple[tuple[str, ...], ...] = ()


# --- gauges: read from the database at scrape time
TOTAL_USERS = "jupyterhub_total_users"
ACTIVE_USERS = "jupyterhub_active_users"
RUNNING_SERVERS = "jupyterhub_running_servers"
SPAWNS_IN_FLIGHT = "hub_spawns_in_flight"
# --- counters and histograms: observed, then added up in the database
REQUEST_DURATION = "jupyterhub_request_duration_seconds"
SPAWN_DURATION = "jupyterhub_server_spawn_duration_seconds"
STOP_DURATION = "jupyterhub_server_stop_seconds"
LEASE_TAKEOVERS = "hub_lease_takeovers_total"
#: declared ahead of the change stream and the webhooks, which will count
#: into them: until those exist nothing increments them and they report 0
EVENTS_SENT = "hub_events_sent_total"
WEBHOOK_FAILURES = "hub_webhook_failures_total"

#: the periods of ``jupyterhub_active_users``, in seconds
ACTIVE_PERIODS = {"24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400}

#: ``status`` and ``reason`` of a start, as JupyterHub labels them: ``failure``
#: is a start refused or ended by the hub or the spawner, ``error`` one that
#: broke (an exception, a timeout); the reasons name the refusals
SPAWN_SUCCESS = ("success", "")
SPAWN_FAILURE = ("failure", "")
SPAWN_ERROR = ("error", "")
SPAWN_ALREADY_PENDING = ("failure", "already-pending")
SPAWN_THROTTLED = ("failure", "throttled")
SPAWN_TOO_MANY_USERS = ("failure", "too-many-users")

CATALOGUE: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(TOTAL_USERS, "gauge", "Users the hub knows."),
        Metric(
            ACTIVE_USERS,
            "gauge",
            "Users with activity within the period (24h, 7d or 30d).",
            ("period",),
            initial=tuple((p,) for p in ACTIVE_PERIODS),
        ),
        Metric(RUNNING_SERVERS, "gauge", "Servers running, starting or stopping."),
        Metric(SPAWNS_IN_FLIGHT, "gauge", "Servers whose start is under way, in any hub process."),
        Metric(
            REQUEST_DURATION,
            "histogram",
            "Seconds each HTTP request took, by method, handler (the API's operationId or the "
            "page's route name) and status code.",
            ("method", "handler", "code"),
            REQUEST_BUCKETS,
        ),
        Metric(
            SPAWN_DURATION,
            "histogram",
            "Seconds from a start request to the server being ready, or to the start failing.",
            ("status", "reason"),
            SPAWN_BUCKETS,
            initial=(
                SPAWN_SUCCESS,
                SPAWN_FAILURE,
                SPAWN_ERROR,
                SPAWN_ALREADY_PENDING,
                SPAWN_THROTTLED,
                SPAWN_TOO_MANY_USERS,
            ),
        ),
        Metric(
            STOP_DURATION,
            "histogram",
            "Seconds a server took to stop.",
            ("status",),
            STOP_BUCKETS,
            initial=(("success",), ("failure",)),
        ),
        Metric(
            LEASE_TAKEOVERS,
            "counter",
            "Starts (spawn) and stops (stop) a hub process took over from another whose lease ran out, "
            "or from the process that ran in its place before a restart.",
            ("pending",),
            initial=(("spawn",), ("stop",)),
        ),
        Metric(EVENTS_SENT, "counter", "Change events sent to subscribers."),
        Metric(WEBHOOK_FAILURES, "counter", "Webhook deliveries that failed."),
    )
}


def bucket_label(bound: float) -> str:
    """A bucket's upper bound as Prometheus writes it (``le="2.5"``, ``le="+Inf"``)."""
    return "+Inf" if bound == INF else repr(float(bound))
