"""The Kubernetes stand-in (tests/helpers/kube_standin.py): its API on its own,
then the real ``kubespawner.KubeSpawner`` driven through start, progress, poll
and stop against it, without a hub."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from kubernetes_asyncio.client.exceptions import ApiException

from tests.helpers.kube_standin import SINGLEUSER_IMAGE, STANDIN_SERVER, KubeCluster
from tests.helpers.processes import running
from tests.helpers.waiting import wait_for, wait_for_async

SpawnerFactory = Callable[..., Any]


def _api(cluster: KubeCluster) -> httpx.Client:
    """A client of the stand-in's Kubernetes API, as kubectl would be (faults apply)."""
    return httpx.Client(
        base_url=cluster.api_url, headers={"Authorization": f"Bearer {cluster.token}"}, timeout=10
    )


def _pod_manifest(
    name: str, *command: str, labels: dict[str, str] | None = None, **spec: Any
) -> dict[str, Any]:
    container = {
        "name": "notebook",
        "image": SINGLEUSER_IMAGE,
        "command": list(command) or [sys.executable, str(STANDIN_SERVER)],
        "env": [{"name": "JUPYTERHUB_SERVICE_URL", "value": "http://0.0.0.0:8888/"}],
        "ports": [{"name": "notebook-port", "containerPort": 8888}],
    }
    return {"metadata": {"name": name, "labels": labels or {}}, "spec": {"containers": [container], **spec}}


def _watch(
    cluster: KubeCluster, path: str, params: dict[str, str], into: list[dict[str, Any]]
) -> threading.Thread:
    def run() -> None:
        with (
            _api(cluster) as api,
            api.stream("GET", path, params={"watch": "true", **params}) as stream,
        ):
            for line in stream.iter_lines():
                if line:
                    into.append(json.loads(line))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------- the API on its own


def test_errors_are_kubernetes_status_objects(kube_cluster: KubeCluster) -> None:
    with _api(kube_cluster) as api:
        missing = api.get(f"/api/v1/namespaces/{kube_cluster.namespace}/pods/nobody")
        unknown = api.get(f"/api/v1/namespaces/{kube_cluster.namespace}/configmaps")
        no_token = httpx.get(f"{kube_cluster.api_url}/api/v1/namespaces/{kube_cluster.namespace}/pods")
        no_namespace = api.post("/api/v1/namespaces/elsewhere/pods", json=_pod_manifest("p"))
        invalid = api.post(
            f"/api/v1/namespaces/{kube_cluster.namespace}/pods", json=_pod_manifest("Not_A_Name")
        )
    assert missing.status_code == 404
    assert missing.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'pods "nobody" not found',
        "reason": "NotFound",
        "code": 404,
        "details": {"name": "nobody", "kind": "pods"},
    }
    assert (unknown.status_code, unknown.json()["reason"]) == (404, "NotFound")
    assert (no_token.status_code, no_token.json()["reason"]) == (401, "Unauthorized")
    assert (no_namespace.status_code, no_namespace.json()["message"]) == (
        404,
        'namespaces "elsewhere" not found',
    )
    assert (invalid.status_code, invalid.json()["reason"]) == (422, "Invalid")


def test_create_fills_metadata_and_a_second_create_conflicts(kube_cluster: KubeCluster) -> None:
    ns = kube_cluster.namespace
    with _api(kube_cluster) as api:
        first = api.post(f"/api/v1/namespaces/{ns}/pods", json=_pod_manifest("p1"))
        again = api.post(f"/api/v1/namespaces/{ns}/pods", json=_pod_manifest("p1"))
        second = api.post(f"/api/v1/namespaces/{ns}/pods", json=_pod_manifest("p2"))
    assert first.status_code == 201
    meta = first.json()["metadata"]
    assert meta["namespace"] == ns and meta["uid"] and meta["creationTimestamp"].endswith("Z")
    assert first.json()["status"]["phase"] == "Pending"
    assert int(second.json()["metadata"]["resourceVersion"]) > int(meta["resourceVersion"])
    assert again.status_code == 409
    assert again.json()["reason"] == "AlreadyExists"
    assert again.json()["message"] == 'pods "p1" already exists'


def test_list_honours_selectors_and_carries_the_resource_version(kube_cluster: KubeCluster) -> None:
    ns = kube_cluster.namespace
    with _api(kube_cluster) as api:
        api.post(
            f"/api/v1/namespaces/{ns}/pods",
            json=_pod_manifest("a", labels={"component": "singleuser-server"}),
        )
        api.post(f"/api/v1/namespaces/{ns}/pods", json=_pod_manifest("b", labels={"component": "other"}))

        def names(**params: str) -> list[str]:
            body = api.get(f"/api/v1/namespaces/{ns}/pods", params=params).json()
            assert body["kind"] == "PodList" and body["metadata"]["resourceVersion"].isdigit()
            return [p["metadata"]["name"] for p in body["items"]]

        assert names(labelSelector="component=singleuser-server") == ["a"]
        assert names(labelSelector="component!=singleuser-server") == ["b"]
        assert names(labelSelector="component in (other,singleuser-server)") == ["a", "b"]
        assert names(labelSelector="!component") == []
        assert names(fieldSelector="metadata.name=b") == ["b"]
        assert sorted(p["metadata"]["name"] for p in api.get("/api/v1/pods").json()["items"]) == ["a", "b"]
        wait_for(lambda: len(kube_cluster.events("a")) >= 4, 10, message="events of pod a")
        events = api.get(
            f"/api/v1/namespaces/{ns}/events", params={"fieldSelector": "involvedObject.kind=Pod"}
        ).json()
        assert {e["involvedObject"]["name"] for e in events["items"]} == {"a", "b"}


def test_watch_streams_changes_from_a_version_until_its_timeout(kube_cluster: KubeCluster) -> None:
    ns = kube_cluster.namespace
    path = f"/api/v1/namespaces/{ns}/pods"
    with _api(kube_cluster) as api:
        rv = api.get(path).json()["metadata"]["resourceVersion"]
        events: list[dict[str, Any]] = []
        started = time.monotonic()
        thread = _watch(kube_cluster, path, {"resourceVersion": rv, "timeoutSeconds": "2"}, events)
        api.post(path, json=_pod_manifest("w", labels={"component": "singleuser-server"}))
        wait_for(lambda: kube_cluster.pod("w")["status"]["phase"] == "Running", 10, message="pod w running")
        kube_cluster.delete_pod("w", grace_seconds=1)
        thread.join(10)
    assert not thread.is_alive() and 1.5 < time.monotonic() - started < 8
    types = [e["type"] for e in events]
    assert types[0] == "ADDED" and types[-1] == "DELETED" and set(types[1:-1]) == {"MODIFIED"}
    versions = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert versions == sorted(versions) and versions[0] > int(rv)
    phases = [e["object"]["status"]["phase"] for e in events]
    assert phases[0] == "Pending" and "Running" in phases
    assert any("deletionTimestamp" in e["object"]["metadata"] for e in events if e["type"] == "MODIFIED")
    # a watch from an earlier version replays what happened since; without one it starts with ADDED
    with _api(kube_cluster) as api:
        replay = api.get(path, params={"watch": "true", "resourceVersion": rv, "timeoutSeconds": "1"}).text
        assert [json.loads(line)["type"] for line in replay.splitlines()] == types
        api.post(path, json=_pod_manifest("x"))
        fresh = api.get(path, params={"watch": "true", "timeoutSeconds": "1"}).text
        assert next(json.loads(line)["type"] for line in fresh.splitlines()) == "ADDED"


def test_watch_sends_added_and_deleted_as_objects_enter_and_leave_the_selection(
    kube_cluster: KubeCluster,
) -> None:
    ns = kube_cluster.namespace
    path = f"/api/v1/namespaces/{ns}/pods"
    with _api(kube_cluster) as api:
        api.post(path, json=_pod_manifest("sel", "/bin/sh", "-c", "sleep 30", restartPolicy="Never"))
        wait_for(
            lambda: kube_cluster.pod("sel")["status"]["phase"] == "Running", 10, message="pod sel running"
        )
        rv = api.get(path).json()["metadata"]["resourceVersion"]
        kube_cluster.signal_pod("sel", signal.SIGTERM)
        wait_for(lambda: kube_cluster.pod("sel")["status"]["phase"] == "Failed", 10, message="pod sel failed")
        params = {"resourceVersion": rv, "timeoutSeconds": "1", "watch": "true"}
        running = api.get(path, params={**params, "fieldSelector": "status.phase=Running"}).text
        failed = api.get(path, params={**params, "fieldSelector": "status.phase=Failed"}).text
    assert [json.loads(line)["type"] for line in running.splitlines()] == ["DELETED"]
    assert [json.loads(line)["type"] for line in failed.splitlines()] == ["ADDED"]


def test_a_watch_from_a_compacted_version_gets_410_gone(kube_cluster: KubeCluster) -> None:
    path = f"/api/v1/namespaces/{kube_cluster.namespace}/pods"
    with _api(kube_cluster) as api:
        api.post(path, json=_pod_manifest("old"))
        kube_cluster.compact()
        lines = api.get(path, params={"watch": "true", "resourceVersion": "1", "timeoutSeconds": "5"}).text
    (event,) = [json.loads(line) for line in lines.splitlines()]
    assert event["type"] == "ERROR"
    assert (event["object"]["kind"], event["object"]["code"], event["object"]["reason"]) == (
        "Status",
        410,
        "Expired",
    )


def test_pods_run_on_addresses_of_their_own_and_a_crash_is_reported(kube_cluster: KubeCluster) -> None:
    path = f"/api/v1/namespaces/{kube_cluster.namespace}/pods"
    with _api(kube_cluster) as api:
        api.post(path, json=_pod_manifest("one", restartPolicy="Never"))
        api.post(path, json=_pod_manifest("two", "/bin/sh", "-c", "exit 3", restartPolicy="Never"))
        one = wait_for(
            lambda: (p := kube_cluster.pod("one")) and p["status"]["phase"] == "Running" and p,
            10,
            message="one",
        )
        two = wait_for(
            lambda: (p := kube_cluster.pod("two")) and p["status"]["phase"] == "Failed" and p,
            10,
            message="two",
        )
    ip = one["status"]["podIP"]
    assert ip.startswith("127.") and ip != two["status"]["podIP"] and ip != "127.0.0.1"
    # the wildcard in JUPYTERHUB_SERVICE_URL became the pod's address
    assert wait_for(lambda: _answers(f"http://{ip}:8888/"), 10, message="the server in pod one")
    terminated = two["status"]["containerStatuses"][0]["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (3, "Error")
    kube_cluster.signal_pod("one", signal.SIGKILL)
    one = wait_for(
        lambda: (p := kube_cluster.pod("one")) and p["status"]["phase"] == "Failed" and p,
        10,
        message="one failed",
    )
    assert one["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 128 + signal.SIGKILL


def test_a_failing_container_is_restarted_under_restart_policy_on_failure(kube_cluster: KubeCluster) -> None:
    kube_cluster.configure_node(crash_backoff=0.2)
    path = f"/api/v1/namespaces/{kube_cluster.namespace}/pods"
    with _api(kube_cluster) as api:
        api.post(path, json=_pod_manifest("crashy", "/bin/sh", "-c", "exit 2", restartPolicy="OnFailure"))

    def restarted() -> dict[str, Any] | None:
        pod = kube_cluster.pod("crashy")
        status = (pod or {}).get("status", {}).get("containerStatuses", [{}])[0]
        return status if status.get("restartCount", 0) >= 2 else None

    status = wait_for(restarted, 10, message="two restarts")
    assert kube_cluster.pod("crashy")["status"]["phase"] == "Running"
    assert status["lastState"]["terminated"]["exitCode"] == 2
    assert "BackOff" in [e["reason"] for e in kube_cluster.events("crashy")]


def _container(name: str, image: str, **fields: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": image, **fields}]},
    }


def test_the_images_entrypoint_runs_the_args_and_a_command_replaces_it(kube_cluster: KubeCluster) -> None:
    kube_cluster.map_image("standin/echo:1", ["/bin/echo", "entrypoint"], cmd=["image-cmd"])
    pods = {
        "args": _container("args", "standin/echo:1", args=["a", "b"]),
        "neither": _container("neither", "standin/echo:1"),
        "command": _container("command", "standin/echo:1", command=["/bin/echo", "own"]),
        "both": _container("both", "standin/echo:1", command=["/bin/echo", "own"], args=["x"]),
    }
    with _api(kube_cluster) as api:
        for manifest in pods.values():
            assert api.post(f"/api/v1/namespaces/{kube_cluster.namespace}/pods", json=manifest).is_success
    for name in pods:
        wait_for(
            lambda n=name: (kube_cluster.pod(n) or {})["status"]["phase"] == "Succeeded", 10, message=name
        )
    # as a container runtime: args replace the image's CMD, command its ENTRYPOINT (and CMD)
    assert kube_cluster.pod_log("args") == "entrypoint a b\n"
    assert kube_cluster.pod_log("neither") == "entrypoint image-cmd\n"
    assert kube_cluster.pod_log("command") == "own\n"
    assert kube_cluster.pod_log("both") == "own x\n"


def test_an_image_the_node_does_not_have_fails_to_pull_and_the_pod_stays_pending(
    kube_cluster: KubeCluster,
) -> None:
    kube_cluster.configure_node(crash_backoff=0.5)
    image = "registry.example.org/nobody/missing:1"
    manifest = _pod_manifest("unpulled")
    manifest["spec"]["containers"][0]["image"] = image
    with _api(kube_cluster) as api:
        api.post(f"/api/v1/namespaces/{kube_cluster.namespace}/pods", json=manifest).raise_for_status()

    def waiting(*reasons: str) -> dict[str, Any] | None:
        pod = kube_cluster.pod("unpulled") or {}
        statuses = pod.get("status", {}).get("containerStatuses") or [{}]
        state = statuses[0].get("state", {}).get("waiting") or {}
        return pod if state.get("reason") in reasons else None

    # ErrImagePull lasts one step (then the back-off): either may be seen first
    pod = wait_for(lambda: waiting("ErrImagePull", "ImagePullBackOff"), 10, message="the pull to fail")
    assert pod["status"]["phase"] == "Pending"
    assert image in pod["status"]["containerStatuses"][0]["state"]["waiting"]["message"]
    assert not pod["status"]["containerStatuses"][0]["ready"]
    pod = wait_for(lambda: waiting("ImagePullBackOff"), 10, message="the back-off")
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["message"] == (
        f'Back-off pulling image "{image}"'
    )
    events = [(e["type"], e["reason"], e["message"]) for e in kube_cluster.events("unpulled")]
    assert ("Normal", "Pulling", f'Pulling image "{image}"') in events
    assert ("Warning", "Failed", "Error: ErrImagePull") in events
    assert ("Normal", "BackOff", f'Back-off pulling image "{image}"') in events
    assert ("Warning", "Failed", "Error: ImagePullBackOff") in events
    assert not [e for e in events if e[1] in ("Pulled", "Created", "Started")]
    assert kube_cluster.pod_pid("unpulled") is None, "nothing runs"

    # the pull is tried again: once the image is there, the pod runs
    kube_cluster.map_image(image, [])
    pod = wait_for(
        lambda: (p := kube_cluster.pod("unpulled")) and p["status"]["phase"] == "Running" and p,
        10,
        message="run",
    )
    assert wait_for(
        lambda: _answers(f"http://{pod['status']['podIP']}:8888/"), 10, message="the pod's server"
    )
    kube_cluster.delete_pod("unpulled")
    assert kube_cluster.pod("unpulled") is None


def test_killing_the_standin_kills_its_pods(kube_cluster: KubeCluster) -> None:
    with _api(kube_cluster) as api:
        api.post(f"/api/v1/namespaces/{kube_cluster.namespace}/pods", json=_pod_manifest("orphan"))
    pid = wait_for(lambda: kube_cluster.pod_pid("orphan"), 10, message="a process for the pod")
    kube_cluster.kill()
    wait_for(lambda: not running(pid), 5, message="the pod's process to die with the stand-in")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_kubeconfig_points_at_the_standin(kube_cluster: KubeCluster) -> None:
    config = json.loads(kube_cluster.kubeconfig.read_text())
    assert config["clusters"][0]["cluster"]["server"] == kube_cluster.api_url
    assert config["contexts"][0]["context"]["namespace"] == kube_cluster.namespace
    assert os.environ["KUBECONFIG"] == str(kube_cluster.kubeconfig)


# ---------------------------------------------------------------- the real KubeSpawner


async def _get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as client:
        return await client.get(url)


async def _answering(url: str) -> httpx.Response:
    async def attempt() -> httpx.Response | None:
        try:
            return await _get(url)
        except httpx.HTTPError:
            return None

    response: httpx.Response = await wait_for_async(attempt, 10, message=f"an answer from {url}")
    return response


async def test_start_runs_the_pod_and_returns_its_url(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory, tmp_path: Path
) -> None:
    record = tmp_path / "record.json"
    spawner = make_kube_spawner(
        "alice", kube_cluster.spawner_config(environment={"HUB_TEST_RECORD": str(record)})
    )
    url = await asyncio.wait_for(spawner.start(), 30)

    (pod,) = kube_cluster.pods()
    ip = pod["status"]["podIP"]
    assert url == f"http://{ip}:8888"
    assert ip.startswith("127.") and ip != "127.0.0.1"
    assert pod["metadata"]["name"] == spawner.pod_name == "jupyter-alice"
    labels = pod["metadata"]["labels"]
    assert labels["component"] == labels["app.kubernetes.io/component"] == "singleuser-server"
    assert labels["hub.jupyter.org/username"] == "alice"
    assert (await _answering(f"{url}/user/alice/api/status")).status_code == 200

    env = json.loads(record.read_text())["env"]
    assert env["JUPYTERHUB_API_TOKEN"] == spawner.api_token
    assert env["JUPYTERHUB_USER"] == "alice"
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == "/user/alice/"
    assert env["JUPYTERHUB_SERVICE_URL"] == f"http://{ip}:8888/user/alice/"
    assert env["HOSTNAME"] == "jupyter-alice"
    assert spawner.get_state()["pod_name"] == "jupyter-alice"
    assert spawner.get_state()["namespace"] == kube_cluster.namespace


async def test_progress_reports_the_pods_events(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    spawner = make_kube_spawner("bob")
    start = spawner.start()
    seen = [event async for event in spawner.progress()]
    await start
    reasons = [e["raw_event"]["reason"] for e in seen if "raw_event" in e]
    assert reasons == ["Scheduled", "Pulled", "Created", "Started"]
    assert all(0 < e["progress"] < 100 for e in seen if "raw_event" in e)
    assert "Successfully assigned" in seen[0]["message"] and "[Normal]" in seen[0]["message"]


async def test_poll_sees_a_pod_deleted_behind_the_spawners_back(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    spawner = make_kube_spawner("carol")
    await asyncio.wait_for(spawner.start(), 30)
    assert await spawner.poll() is None
    pid = kube_cluster.pod_pid(spawner.pod_name)
    assert pid is not None and running(pid)

    kube_cluster.delete_pod(spawner.pod_name)
    assert not running(pid)
    assert await wait_for_async(spawner.poll, 10, message="poll() to see the pod gone") == 1
    assert kube_cluster.pods() == []


async def test_poll_returns_the_exit_status_of_a_terminated_server(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    config = kube_cluster.spawner_config(extra_pod_config={"restartPolicy": "Never"})
    spawner = make_kube_spawner("dave", config)
    await asyncio.wait_for(spawner.start(), 30)
    kube_cluster.signal_pod(spawner.pod_name, signal.SIGKILL)
    assert (
        await wait_for_async(spawner.poll, 10, message="poll() to see the server exit")
        == 128 + signal.SIGKILL
    )
    # delete_stopped_pods: poll() deleted the pod
    await wait_for_async(
        lambda: asyncio.to_thread(lambda: kube_cluster.pods() == []), 10, message="the pod deleted"
    )


async def test_stop_deletes_the_pod_and_its_process(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    spawner = make_kube_spawner("erin")
    url = await asyncio.wait_for(spawner.start(), 30)
    await _answering(url + "/user/erin/")
    pid = kube_cluster.pod_pid(spawner.pod_name)
    assert pid is not None

    await asyncio.wait_for(spawner.stop(), 30)
    assert kube_cluster.pods() == []
    assert not running(pid)
    assert await spawner.poll() == 1
    deletes = [r for r in kube_cluster.requests() if r["method"] == "DELETE"]
    assert [r["query"].get("gracePeriodSeconds") for r in deletes] == [str(spawner.delete_grace_period)]
    assert "Killing" in [e["reason"] for e in kube_cluster.events(spawner.pod_name)]


async def test_a_second_start_replaces_a_leftover_pod(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    first = make_kube_spawner("frank")
    await asyncio.wait_for(first.start(), 30)
    old_uid = kube_cluster.pods()[0]["metadata"]["uid"]
    again = make_kube_spawner("frank")
    await asyncio.wait_for(again.start(), 30)  # 409, delete the old pod, create anew
    (pod,) = kube_cluster.pods()
    assert pod["metadata"]["uid"] != old_uid
    assert [r["method"] for r in kube_cluster.requests() if r["path"].endswith("/pods/jupyter-frank")] == [
        "DELETE"
    ]


async def test_start_readiness_can_wait_for_the_port(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    kube_cluster.configure_node(ready_on_listen=True)
    slow = ["/bin/sh", "-c", f"sleep 1; exec {sys.executable} {STANDIN_SERVER}"]
    spawner = make_kube_spawner("gina", kube_cluster.spawner_config(cmd=slow))
    url = await asyncio.wait_for(spawner.start(), 30)
    assert (await _get(url + "/user/gina/")).status_code == 200  # no retry: it listens already


async def test_an_api_error_on_create_fails_the_start(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    spawner = make_kube_spawner("heidi")
    kube_cluster.fail_next(1, status=500, method="POST", path="/pods", message="etcd is on fire")
    with pytest.raises(ApiException) as failed:
        await asyncio.wait_for(spawner.start(), 30)
    assert failed.value.status == 500
    assert json.loads(failed.value.body)["message"] == "etcd is on fire"
    assert kube_cluster.pods() == []


async def test_an_api_error_on_the_first_list_fails_the_start(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    spawner = make_kube_spawner("ivan")
    kube_cluster.fail_next(2, status=500, method="GET")
    with pytest.raises(ApiException) as failed:
        await asyncio.wait_for(spawner.start(), 30)
    assert failed.value.status == 500


async def test_a_hanging_api_times_the_start_out(
    kube_cluster: KubeCluster, make_kube_spawner: SpawnerFactory
) -> None:
    config = kube_cluster.spawner_config(k8s_api_request_timeout=1, k8s_api_request_retry_timeout=2)
    spawner = make_kube_spawner("judy", config)
    kube_cluster.hang_next(100, seconds=30, method="POST")
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="Could not create pod"):
        await asyncio.wait_for(spawner.start(), 30)
    assert time.monotonic() - started < 10
    kube_cluster.clear_faults()
    assert kube_cluster.pods() == []
