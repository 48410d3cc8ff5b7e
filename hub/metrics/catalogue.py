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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

INF = float("inf")

#: Prometheus' own default buckets, which JupyterHub keeps for most of its histograms
DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, INF)
REQUEST_BUCKETS = DEFAULT_BUCKETS
#: starts take seconds to minutes
SPAWN_BUCKETS = (0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 180, 300, 600, INF)
#: stops, as JupyterHub buckets them (Prometheus' defaults)
STOP_BUCKETS = DEFAULT_BUCKETS
#: event loop intervals: nothing below the sampling period (50 ms by default), 5 ms
#: steps up to 75 ms where a growing lag shows first, then Prometheus' defaults
EVENT_LOOP_BUCKETS = (0.05, 0.055, 0.06, 0.065, 0.07, *DEFAULT_BUCKETS[4:])

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
PROXY_ADD_DURATION = "jupyterhub_proxy_add_duration_seconds"
PROXY_DELETE_DURATION = "jupyterhub_proxy_delete_duration_seconds"
PROXY_POLL_DURATION = "jupyterhub_proxy_poll_duration_seconds"
CHECK_ROUTES_DURATION = "jupyterhub_check_routes_duration_seconds"
SERVER_POLL_DURATION = "jupyterhub_server_poll_duration_seconds"
HUB_STARTUP_DURATION = "jupyterhub_hub_startup_duration_seconds"
INIT_SPAWNERS_DURATION = "jupyterhub_init_spawners_duration_seconds"
LOGIN_DURATION = "jupyterhub_login_duration_seconds"
LOGOUT_DURATION = "jupyterhub_logout_duration_seconds"
EVENT_LOOP_INTERVAL = "jupyterhub_event_loop_interval_seconds"
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

#: ``status`` of the histograms that time something which succeeds or fails
SUCCESS: Mapping[str, str] = {"status": "success"}
FAILURE: Mapping[str, str] = {"status": "failure"}
_OUTCOMES = (("success",), ("failure",))
_RUNNING: Mapping[str, str] = {"status": "running"}
_STOPPED: Mapping[str, str] = {"status": "stopped"}


def poll_status(exit_status: int | None) -> Mapping[str, str]:
    """The ``status`` of a server poll: ``running`` while the spawner reports
    no exit status, else ``stopped``."""
    return _RUNNING if exit_status is None else _STOPPED


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
            initial=_OUTCOMES,
        ),
        Metric(
            PROXY_ADD_DURATION,
            "histogram",
            "Seconds adding a server's route to the proxy took (as it becomes ready, is adopted, or "
            "gets back a route the proxy lost).",
            ("status",),
            DEFAULT_BUCKETS,
            initial=_OUTCOMES,
        ),
        Metric(
            PROXY_DELETE_DURATION,
            "histogram",
            "Seconds deleting a server's route from the proxy took (as it stops or is found gone).",
            ("status",),
            DEFAULT_BUCKETS,
            initial=_OUTCOMES,
        ),
        Metric(
            PROXY_POLL_DURATION,
            "histogram",
            "Seconds reading every route from the proxy took (only reads that succeeded).",
            buckets=DEFAULT_BUCKETS,
        ),
        Metric(
            CHECK_ROUTES_DURATION,
            "histogram",
            "Seconds making the proxy's routes match the database took (at start-up, when the proxy "
            "restarts, POST /proxy).",
            buckets=DEFAULT_BUCKETS,
        ),
        Metric(
            SERVER_POLL_DURATION,
            "histogram",
            "Seconds asking the spawner whether a server still runs took, by the answer.",
            ("status",),
            DEFAULT_BUCKETS,
            initial=(("running",), ("stopped",)),
        ),
        Metric(
            HUB_STARTUP_DURATION,
            "histogram",
            "Seconds a hub process took from reading its configuration to serving.",
            buckets=DEFAULT_BUCKETS,
        ),
        Metric(
            INIT_SPAWNERS_DURATION,
            "histogram",
            "Seconds a hub process took at start-up to find the servers again (and settle the starts "
            "and stops its predecessor left).",
            buckets=DEFAULT_BUCKETS,
        ),
        Metric(
            LOGIN_DURATION,
            "histogram",
            "Seconds a login took, from asking the authenticator to the session started; failure: "
            "the authenticator refused it.",
            ("status",),
            DEFAULT_BUCKETS,
            initial=_OUTCOMES,
        ),
        Metric(LOGOUT_DURATION, "histogram", "Seconds a logout took.", buckets=DEFAULT_BUCKETS),
        Metric(
            EVENT_LOOP_INTERVAL,
            "histogram",
            "How late each hub process's event loop ran a task due every sampling period "
            "(c.PeriodicMetricsCollector.event_loop_interval_resolution): the period while it keeps "
            "up, the delay when something blocked it.",
            buckets=EVENT_LOOP_BUCKETS,
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
