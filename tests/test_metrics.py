"""Prometheus metrics at /hub/metrics: the whole hub's figures from any process."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import threading
import time
from typing import Any

import pytest
import sqlalchemy
from prometheus_client.parser import text_string_to_metric_families

from hub.app import create_app
from hub.core import metrics as store
from hub.db.engine import Database
from hub.metrics import catalogue as cat
from hub.metrics.event_loop import PeriodicMetricsCollector
from hub.metrics.recorder import Recorder
from hub.runtime import Hub
from tests.conftest import ADMIN_TOKEN, base_config
from tests.helpers.hub_process import HubProcess
from tests.helpers.waiting import wait_for
from tests.test_contract import STANDIN
from tests.test_login_oauth import log_in

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

SPAWN_LABELS = [
    {"status": "success", "reason": ""},
    {"status": "failure", "reason": ""},
    {"status": "error", "reason": ""},
    {"status": "failure", "reason": "already-pending"},
    {"status": "failure", "reason": "throttled"},
    {"status": "failure", "reason": "too-many-users"},
]


def scrape(client: Any, token: str | None = ADMIN_TOKEN, url: str = "/hub/metrics") -> Samples:
    headers = {"Authorization": f"token {token}"} if token else {}
    r = client.get(url, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def requests(samples: Samples, handler: str, code: str, method: str = "GET") -> float | None:
    return value(samples, cat.REQUEST_DURATION + "_count", method=method, handler=handler, code=code)


def standin(seconds: float = 0) -> list[str]:
    """A server that answers after ``seconds``."""
    if not seconds:
        return [sys.executable, str(STANDIN)]
    return ["sh", "-c", f'sleep {seconds}; exec "$0" "$1"', sys.executable, str(STANDIN)]


# --- names, labels, kinds ---------------------------------------------------------


def test_every_metric_is_listed_before_anything_happens(api):
    assert api.get("/user").status_code == 200  # the admin's activity
    r = api.client.get("/hub/metrics", headers={"Authorization": f"token {ADMIN_TOKEN}"})
    kinds = {family.name: family.type for family in text_string_to_metric_families(r.text)}
    assert kinds == {
        "jupyterhub_total_users": "gauge",
        "jupyterhub_active_users": "gauge",
        "jupyterhub_running_servers": "gauge",
        "hub_spawns_in_flight": "gauge",
        "jupyterhub_request_duration_seconds": "histogram",
        "jupyterhub_server_spawn_duration_seconds": "histogram",
        "jupyterhub_server_stop_seconds": "histogram",
        "jupyterhub_proxy_add_duration_seconds": "histogram",
        "jupyterhub_proxy_delete_duration_seconds": "histogram",
        "jupyterhub_proxy_poll_duration_seconds": "histogram",
        "jupyterhub_check_routes_duration_seconds": "histogram",
        "jupyterhub_server_poll_duration_seconds": "histogram",
        "jupyterhub_hub_startup_duration_seconds": "histogram",
        "jupyterhub_init_spawners_duration_seconds": "histogram",
        "jupyterhub_login_duration_seconds": "histogram",
        "jupyterhub_logout_duration_seconds": "histogram",
        "jupyterhub_event_loop_interval_seconds": "histogram",
        "hub_lease_takeovers": "counter",
        "hub_events_sent": "counter",
        "hub_webhook_failures": "counter",
    }
    samples = scrape(api.client)
    assert value(samples, "jupyterhub_total_users") == 1  # the admin
    assert value(samples, "jupyterhub_running_servers") == 0
    assert value(samples, "hub_spawns_in_flight") == 0
    for period in ("24h", "7d", "30d"):
        assert value(samples, "jupyterhub_active_users", period=period) == 1
    for labels in SPAWN_LABELS:
        assert value(samples, "jupyterhub_server_spawn_duration_seconds_count", **labels) == 0
        assert value(samples, "jupyterhub_server_spawn_duration_seconds_bucket", **labels, le="+Inf") == 0
    for status in ("success", "failure"):
        assert value(samples, "jupyterhub_server_stop_seconds_count", status=status) == 0
        for name in ("proxy_add_duration_seconds", "proxy_delete_duration_seconds", "login_duration_seconds"):
            assert value(samples, f"jupyterhub_{name}_count", status=status) == 0
            assert value(samples, f"jupyterhub_{name}_bucket", status=status, le="10.0") == 0
    for status in ("running", "stopped"):
        assert value(samples, "jupyterhub_server_poll_duration_seconds_count", status=status) == 0
    assert value(samples, "jupyterhub_logout_duration_seconds_count") == 0
    # this process started once: it found no servers and checked the proxy's routes
    for name in ("hub_startup", "init_spawners", "check_routes"):
        assert value(samples, f"jupyterhub_{name}_duration_seconds_count") == 1
        assert value(samples, f"jupyterhub_{name}_duration_seconds_bucket", le="+Inf") == 1
    assert value(samples, "jupyterhub_hub_startup_duration_seconds_sum") > 0
    assert value(samples, "jupyterhub_proxy_poll_duration_seconds_count") >= 1
    for pending in ("spawn", "stop"):
        assert value(samples, "hub_lease_takeovers_total", pending=pending) == 0
    assert value(samples, "hub_events_sent_total") == 0
    assert value(samples, "hub_webhook_failures_total") == 0


# --- gauges from the database, starts and stops observed ------------------------------


def test_users_servers_starts_and_stops_are_counted(make_hub):
    def configure(c):
        c.Spawner.cmd = standin(1)
        c.Spawner.poll_interval = 0.5
        c.JupyterHub.slow_spawn_timeout = 0
        c.JupyterHub.concurrent_spawn_limit = 1

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    samples = scrape(api.client)
    assert value(samples, "jupyterhub_total_users") == 3
    assert value(samples, "jupyterhub_active_users", period="24h") == 1

    assert api.post("/users/alice/server").status_code == 202
    samples = scrape(api.client)
    assert value(samples, "jupyterhub_running_servers") == 1
    assert value(samples, "hub_spawns_in_flight") == 1
    assert value(samples, "jupyterhub_active_users", period="24h") == 2  # a start is activity
    assert api.post("/users/alice/server").status_code == 202  # already starting
    assert api.post("/users/bob/server").status_code == 429  # concurrent_spawn_limit

    wait_for(lambda: api.get("/users/alice").json()["servers"][""]["ready"], 30, message="the start")
    samples = scrape(api.client)
    assert value(samples, "jupyterhub_running_servers") == 1
    assert value(samples, "hub_spawns_in_flight") == 0
    spawns = "jupyterhub_server_spawn_duration_seconds"
    assert value(samples, spawns + "_count", status="success", reason="") == 1
    assert value(samples, spawns + "_sum", status="success", reason="") >= 1  # the server sleeps 1 s
    assert value(samples, spawns + "_bucket", status="success", reason="", le="0.5") == 0
    assert value(samples, spawns + "_bucket", status="success", reason="", le="+Inf") == 1
    assert value(samples, spawns + "_count", status="failure", reason="already-pending") == 1
    assert value(samples, spawns + "_count", status="failure", reason="throttled") == 1
    assert value(samples, spawns + "_count", status="error", reason="") == 0

    assert api.delete("/users/alice/server").status_code == 204
    samples = scrape(api.client)
    assert value(samples, "jupyterhub_running_servers") == 0
    assert value(samples, "jupyterhub_server_stop_seconds_count", status="success") == 1
    assert value(samples, "jupyterhub_server_stop_seconds_count", status="failure") == 0


def test_a_start_over_the_active_server_limit_is_counted_as_too_many_users(make_hub):
    def configure(c):
        c.Spawner.cmd = standin()
        c.JupyterHub.active_server_limit = 1

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    assert api.post("/users/alice/server").status_code == 201
    assert api.post("/users/bob/server").status_code == 429
    samples = scrape(api.client)
    spawns = "jupyterhub_server_spawn_duration_seconds_count"
    assert value(samples, spawns, status="failure", reason="too-many-users") == 1
    assert value(samples, spawns, status="success", reason="") == 1


def test_a_server_that_exits_at_once_is_counted_as_a_failed_start(make_hub):
    def configure(c):
        c.Spawner.cmd = ["false"]

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    assert api.post("/users/alice/server").status_code == 500
    samples = scrape(api.client)
    spawns = "jupyterhub_server_spawn_duration_seconds_count"
    assert value(samples, spawns, status="failure", reason="") == 1
    assert value(samples, spawns, status="success", reason="") == 0
    assert requests(samples, "post-user-server", "500", method="POST") == 1


def test_a_server_is_routed_polled_and_unrouted_when_it_exits(make_hub, tmp_path):
    record = tmp_path / "server.json"

    def configure(c):
        c.Spawner.cmd = standin()
        c.Spawner.environment = {"HUB_TEST_RECORD": str(record)}
        c.Spawner.poll_interval = 0.2

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice"]})
    checks = value(scrape(api.client), "jupyterhub_check_routes_duration_seconds_count")
    assert api.post("/users/alice/server").status_code == 201
    samples = scrape(api.client)
    adds = "jupyterhub_proxy_add_duration_seconds"
    assert value(samples, adds + "_count", status="success") == 1
    assert value(samples, adds + "_bucket", status="success", le="+Inf") == 1
    assert value(samples, adds + "_count", status="failure") == 0

    polls = "jupyterhub_server_poll_duration_seconds_count"
    wait_for(lambda: value(scrape(api.client), polls, status="running"), 30, message="a poll")
    pid = json.loads(record.read_text())["pid"]
    os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not api.get("/users/alice").json()["servers"], 30, message="the exit to be noticed")
    samples = scrape(api.client)
    assert value(samples, polls, status="stopped") == 1
    assert value(samples, "jupyterhub_proxy_delete_duration_seconds_count", status="success") == 1
    assert value(samples, "jupyterhub_proxy_delete_duration_seconds_count", status="failure") == 0

    # the routes are checked again on request
    polled = value(samples, "jupyterhub_proxy_poll_duration_seconds_count")
    assert api.post("/proxy").status_code == 200
    samples = scrape(api.client)
    assert value(samples, "jupyterhub_check_routes_duration_seconds_count") == checks + 1
    assert value(samples, "jupyterhub_proxy_poll_duration_seconds_count") >= polled + 1


def test_a_stop_deletes_the_route(make_hub):
    def configure(c):
        c.Spawner.cmd = standin()

    api = make_hub(configure)
    api.post("/users", json={"usernames": ["alice", "bob"]})
    for name in ("alice", "bob"):
        assert api.post(f"/users/{name}/server").status_code == 201
    assert api.delete("/users/alice/server").status_code == 204
    samples = scrape(api.client)
    assert value(samples, "jupyterhub_proxy_add_duration_seconds_count", status="success") == 2
    assert value(samples, "jupyterhub_proxy_delete_duration_seconds_count", status="success") == 1
    assert value(samples, "jupyterhub_proxy_delete_duration_seconds_count", status="failure") == 0


def test_logins_and_logouts_are_timed(make_hub):
    def configure(c):
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = "pw"

    api = make_hub(configure)
    client = api.client
    assert log_in(client, "alice", password="wrong").status_code == 403
    assert log_in(client, "alice").status_code == 302
    assert client.get("/hub/logout", follow_redirects=False).status_code == 302
    samples = scrape(client)
    logins = "jupyterhub_login_duration_seconds"
    assert value(samples, logins + "_count", status="success") == 1
    assert value(samples, logins + "_count", status="failure") == 1
    assert value(samples, logins + "_sum", status="success") > 0
    assert value(samples, "jupyterhub_logout_duration_seconds_count") == 1


# --- the event loop ------------------------------------------------------------------------


def test_each_process_samples_its_event_loop(make_hub):
    def configure(c):
        c.PeriodicMetricsCollector.event_loop_interval_resolution = 0.01

    api = make_hub(configure)
    interval = "jupyterhub_event_loop_interval_seconds"

    def sampled() -> Samples | None:
        samples = scrape(api.client)
        return samples if (value(samples, interval + "_count") or 0) >= 5 else None

    samples = wait_for(sampled, 30, message="samples of the event loop")
    count = value(samples, interval + "_count")
    assert value(samples, interval + "_bucket", le="+Inf") == count
    # JupyterHub's buckets: 5 ms steps from 50 to 75 ms, then Prometheus' defaults
    bounds = [dict(labels)["le"] for name, labels in samples if name == interval + "_bucket"]
    assert bounds[:7] == ["0.05", "0.055", "0.06", "0.065", "0.07", "0.075", "0.1"]
    assert bounds[-1] == "+Inf" and len(bounds) == 16
    # each sample is at least the resolution
    assert value(samples, interval + "_sum") >= 0.01 * count - 1e-9


def test_sampling_the_event_loop_can_be_turned_off(make_hub):
    def configure(c):
        c.PeriodicMetricsCollector.event_loop_interval_enabled = False

    api = make_hub(configure)
    time.sleep(0.3)
    assert value(scrape(api.client), "jupyterhub_event_loop_interval_seconds_count") == 0


def test_a_blocked_event_loop_shows_as_a_long_interval(caplog):
    recorder = Recorder()
    collector = PeriodicMetricsCollector(event_loop_interval_log_threshold=0.2)

    async def block_once() -> None:
        sampling = asyncio.create_task(collector.sample_event_loop(recorder))
        await asyncio.sleep(0.12)
        time.sleep(0.4)  # a call that blocks the loop
        await asyncio.sleep(0.12)
        sampling.cancel()

    with caplog.at_level(logging.WARNING, logger="hub.metrics"):
        asyncio.run(block_once())
    rows = {sample: amount for _name, _labels, sample, amount in recorder.peek()}
    assert rows["0.05"] >= 2  # the loop kept up before and after
    late = {"0.5", "0.75", "1.0", "2.5", "5.0", "7.5", "10.0", "+Inf"}
    assert sum(v for k, v in rows.items() if k in late) == 1  # once, by about 0.4 s
    assert rows["sum"] >= 0.35
    assert [r.getMessage() for r in caplog.records if "event loop was blocked" in r.getMessage()]


# --- request durations ------------------------------------------------------------------


def test_requests_are_timed_by_operation_or_route_never_by_path(api):
    for _ in range(3):
        assert api.get("/users").status_code == 200
    assert api.get("/users/nobody").status_code == 404
    assert api.client.get("/hub/home", follow_redirects=False).status_code == 302
    assert api.client.get("/hub/no-such-page").status_code == 404
    assert api.client.request("BREW", "/hub/api/users").status_code == 405
    samples = scrape(api.client)
    assert requests(samples, "get-users", "200") == 3
    assert requests(samples, "get-user", "404") == 1
    assert requests(samples, "home_page", "302") == 1
    assert requests(samples, "other", "404") == 1
    # a method nobody uses is "other", whatever it is
    assert value(samples, cat.REQUEST_DURATION + "_count", method="other", handler="other", code="405") == 1
    handlers = {
        dict(labels).get("handler") for name, labels in samples if name.startswith(cat.REQUEST_DURATION)
    }
    assert not any("nobody" in h or "/" in h for h in handlers if h)
    # the scrape itself is counted, once it has answered
    assert requests(scrape(api.client), "metrics", "200") == 1


# --- who may scrape -----------------------------------------------------------------------


def prometheus_service(c):
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = "pw"
    c.JupyterHub.services = [{"name": "prometheus", "api_token": "prometheus-token"}]
    c.JupyterHub.load_roles = [{"name": "metrics", "scopes": ["read:metrics"], "services": ["prometheus"]}]


def test_scraping_needs_read_metrics(make_hub):
    api = make_hub(prometheus_service)
    client = api.client
    assert api.post("/users/alice").status_code == 201
    alice = api.new_token("alice")
    refused = client.get("/hub/metrics")
    assert refused.status_code == 403
    assert refused.json() == {
        "status": 403,
        "message": "Reading the hub's metrics needs the read:metrics scope",
    }
    assert client.get("/hub/metrics", headers={"Authorization": f"token {alice}"}).status_code == 403
    assert client.get("/hub/metrics", headers={"Authorization": "token not-a-token"}).status_code == 403
    assert client.get("/hub/metrics", headers={"Accept": "text/html"}).status_code == 403
    scrape(client)  # an admin's token
    scrape(client, "prometheus-token")  # a service holding read:metrics
    r = client.get("/hub/metrics", headers={"Authorization": "Bearer prometheus-token"})
    assert r.status_code == 200  # as Prometheus sends it

    # a login cookie counts as the user's scopes
    log_in(client, "alice", next_url="/hub/home")
    assert client.get("/hub/metrics").status_code == 403
    client.get("/hub/logout")
    log_in(client, "admin", next_url="/hub/home")
    assert client.get("/hub/metrics").status_code == 200


def test_anyone_may_scrape_without_authenticate_prometheus(make_hub):
    def configure(c):
        c.JupyterHub.authenticate_prometheus = False

    api = make_hub(configure)
    samples = scrape(api.client, token=None)
    assert value(samples, "jupyterhub_total_users") == 1


# --- the deltas in process memory, the totals in the database -----------------------------------


def stored_requests(db_url: str, handler: str) -> float:
    engine = sqlalchemy.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sqlalchemy.text("SELECT labels, sample, value FROM metric_totals WHERE name = :name"),
                {"name": cat.REQUEST_DURATION},
            ).all()
    finally:
        engine.dispose()
    return sum(
        v for labels, sample, v in rows if f'"handler":"{handler}"' in labels and sample not in ("sum",)
    )


def test_a_scrape_adds_what_is_not_flushed_yet_and_a_stopping_hub_flushes_it(db_url, make_hub):
    config = base_config(db_url)
    config.JupyterHub.metrics_flush_interval = 3600
    headers = {"Authorization": f"token {ADMIN_TOKEN}"}
    with create_app(Hub(config)).test_client() as client:
        for _ in range(2):
            assert client.get("/hub/api/users", headers=headers).status_code == 200
        assert requests(scrape(client), "get-users", "200") == 2
        assert stored_requests(db_url, "get-users") == 0
    assert stored_requests(db_url, "get-users") == 2
    # a hub started afterwards reads them from the database
    assert requests(scrape(make_hub().client), "get-users", "200") == 2


def test_concurrent_flushes_lose_no_increment(db_url):
    db = Database(db_url)
    rows = [
        (cat.EVENTS_SENT, "{}", "", 1.0),
        (cat.STOP_DURATION, '{"status":"success"}', "0.5", 1.0),
        (cat.STOP_DURATION, '{"status":"success"}', "sum", 0.25),
    ]

    def flush_many() -> None:
        for _ in range(25):
            db.run(lambda tx: store.add(tx.session, rows))

    try:
        threads = [threading.Thread(target=flush_many) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        totals = db.run(lambda tx: store.totals(tx.session), write=False)
    finally:
        db.dispose()
    assert totals[(cat.EVENTS_SENT, "{}", "")] == 100
    assert totals[(cat.STOP_DURATION, '{"status":"success"}', "0.5")] == 100
    assert totals[(cat.STOP_DURATION, '{"status":"success"}', "sum")] == 25


def test_the_recorder_buckets_observations_and_refuses_unknown_labels():
    recorder = Recorder()
    stop = {"status": "success"}
    for seconds in (0.004, 0.005, 0.3, 99):
        recorder.observe(cat.STOP_DURATION, stop, seconds)
    recorder.inc(cat.EVENTS_SENT)
    recorder.inc(cat.EVENTS_SENT, n=2)
    rows = {(name, sample): amount for name, _labels, sample, amount in recorder.peek()}
    # an observation on a bound falls in that bucket (le: less than or equal)
    assert rows[(cat.STOP_DURATION, "0.005")] == 2
    assert rows[(cat.STOP_DURATION, "0.5")] == 1
    assert rows[(cat.STOP_DURATION, "+Inf")] == 1
    assert rows[(cat.STOP_DURATION, "sum")] == pytest.approx(99.309)
    assert rows[(cat.EVENTS_SENT, "")] == 3
    with pytest.raises(ValueError):
        recorder.observe(cat.STOP_DURATION, {"status": "success", "user": "alice"}, 1)
    with pytest.raises(ValueError):
        recorder.observe(cat.STOP_DURATION, {}, 1)
    with pytest.raises(ValueError):
        recorder.inc(cat.STOP_DURATION)
    with pytest.raises(ValueError):
        recorder.inc("no_such_metric_total")

    taken = recorder.take()
    assert recorder.peek() == []
    recorder.put_back(taken)  # a flush that failed: the next one writes them
    recorder.inc(cat.EVENTS_SENT)
    again = {(name, sample): amount for name, _labels, sample, amount in recorder.take()}
    assert again[(cat.EVENTS_SENT, "")] == 4
    assert again[(cat.STOP_DURATION, "0.005")] == 2


# --- several hub processes --------------------------------------------------------------------


@pytest.mark.slow
def test_each_process_reports_the_others_counts_after_a_flush(tmp_path, db_url, proxy):
    lease = 1
    a = HubProcess(
        tmp_path,
        db_url,
        "c.JupyterHub.metrics_flush_interval = 0.2\n"
        f"c.JupyterHub.lease_seconds = {lease}\n"
        "c.JupyterHub.slow_spawn_timeout = 0\n"
        "c.ConfigurableHTTPProxy.should_start = False\n"
        f"c.ConfigurableHTTPProxy.api_url = {proxy.api_url!r}\n"
        f"c.ConfigurableHTTPProxy.auth_token = {proxy.token!r}\n"
        f"c.Spawner.cmd = {standin(2)!r}\n",
    )
    b = a.sibling()
    try:
        a.start()
        b.start()
        for _ in range(5):
            assert a.api.get("/users").status_code == 200
        at_b = f"http://127.0.0.1:{b.port}/hub/metrics"
        wait_for(
            lambda: requests(scrape(b.api, url=at_b), "get-users", "200") == 5,
            10,
            message="b to report a's requests",
        )

        # a start whose process dies is taken over, and counted where it was
        a.api.post("/users", json={"usernames": ["alice"]})
        assert a.api.post("/users/alice/server").status_code == 202
        a.kill()
        wait_for(
            lambda: value(scrape(b.api, url=at_b), "hub_lease_takeovers_total", pending="spawn") == 1,
            lease + 30,
            message="b to take a's start over",
        )
        # adopted or ended, it is settled before the processes stop
        alice = f"http://127.0.0.1:{b.port}/hub/api/users/alice?include_stopped_servers=1"
        wait_for(
            lambda: b.api.get(alice).json()["servers"][""]["pending"] is None, 30, message="the start to end"
        )
    finally:
        a.stop()
        b.stop()
