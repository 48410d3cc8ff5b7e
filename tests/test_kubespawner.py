"""KubeSpawner (jupyterhub-kubespawner, unchanged) hosted by the hub, against the
Kubernetes stand-in of tests/helpers/kube_standin.py.

Each test runs the hub as a process of its own (``hub -f jupyterhub_config.py``)
with ``KUBECONFIG`` pointing at the stand-in, as a hub in a cluster would find
its API server, and its own configurable-http-proxy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.helpers.hub_process import HubProcess, config_lines
from tests.helpers.kube_standin import KubeCluster
from tests.helpers.processes import running
from tests.helpers.waiting import wait_for

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

POD = "jupyter-alice"


def kube_hub(
    hub_process: Callable[..., HubProcess], cluster: KubeCluster, extra: str = "", **kube: Any
) -> HubProcess:
    # the stand-in's node has the configured image, whose entrypoint (as tini in Jupyter's
    # images) runs KubeSpawner's cmd, the container's args
    config = cluster.spawner_config(**kube)
    hub = hub_process(
        "c.JupyterHub.spawner_class = 'kubespawner.KubeSpawner'\n"
        # JupyterHub's poll_interval is an Integer
        "c.Spawner.poll_interval = 1\n"
        "c.JupyterHub.authenticator_class = 'dummy'\n" + config_lines(config) + extra
    )
    hub.start()
    return hub


def server_of(hub: HubProcess, user: str = "alice") -> dict[str, Any] | None:
    server: dict[str, Any] | None = hub.api.get(f"/users/{user}").json()["servers"].get("")
    return server


def test_a_pod_with_jupyterhubs_environment_and_labels_answers_through_the_proxy(hub_process, kube_cluster):
    hub = kube_hub(hub_process, kube_cluster, "c.JupyterHub.slow_spawn_timeout = 0\n")
    kube_cluster.configure_node(step_delay=0.5)  # a pod takes a few seconds, as on a cluster
    hub.api.post("/users/alice")
    token = hub.api.post("/users/alice/tokens", json={}).json()["token"]
    assert hub.api.post("/users/alice/server").status_code == 202
    # the progress stream, followed while the pod starts, carries the pod's events
    progress = hub.api.get("/users/alice/server/progress").text
    assert "Server ready at /user/alice/" in progress
    assert "Successfully assigned standin/jupyter-alice" in progress, progress
    server = server_of(hub)
    assert server is not None and server["ready"] is True
    assert server["state"]["pod_name"] == POD, "the state is KubeSpawner's own get_state()"

    pod = kube_cluster.pod(POD)
    assert pod is not None and pod["status"]["phase"] == "Running"
    labels = pod["metadata"]["labels"]
    assert labels["component"] == "singleuser-server"
    assert labels["hub.jupyter.org/username"] == "alice"
    assert labels["app"] == "jupyterhub"
    env = {e["name"]: e.get("value") for e in pod["spec"]["containers"][0]["env"]}
    assert env["JUPYTERHUB_USER"] == "alice"
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == "/user/alice/"
    assert env["JUPYTERHUB_API_URL"] == f"http://127.0.0.1:{hub.port}/hub/api"
    assert env["JUPYTERHUB_CLIENT_ID"] == "jupyterhub-user-alice"
    assert env["JUPYTERHUB_API_TOKEN"], "the server's own token reaches the pod"
    # the server's token is a token of the hub's: it authenticates as alice
    who = hub.api.get("/user", headers={"Authorization": f"token {env['JUPYTERHUB_API_TOKEN']}"})
    assert who.status_code == 200 and who.json()["name"] == "alice"

    r = httpx.get(f"{hub.public_url}/user/alice/api/status", headers={"Authorization": f"token {token}"})
    assert r.status_code == 200

    pid = kube_cluster.pod_pid(POD)
    assert hub.api.delete("/users/alice/server").status_code == 204
    assert kube_cluster.pod(POD) is None, "stopping deletes the pod"
    assert pid is not None and wait_for(lambda: not running(pid), 30, message="the pod's process to end")
    assert server_of(hub) is None
    assert "/user/alice/" not in hub.api.get("/proxy").json()


PROFILES = [
    {
        "display_name": "Small",
        "slug": "small",
        "default": True,
        "kubespawner_override": {"mem_limit": "1G", "environment": {"PROFILE": "small"}},
    },
    {
        "display_name": "Large",
        "slug": "large",
        "kubespawner_override": {"mem_limit": "4G", "environment": {"PROFILE": "large"}},
    },
]


def _login(hub: HubProcess, name: str) -> httpx.Client:
    from tests.test_login_oauth import xsrf_of

    browser = httpx.Client(base_url=f"http://127.0.0.1:{hub.port}", timeout=30)
    page = browser.get("/hub/login")
    r = browser.post(
        "/hub/login",
        data={"username": name, "password": "x", "_xsrf": xsrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 302, r.text
    return browser


def _choose_profile(hub: HubProcess, browser: httpx.Client, page: httpx.Response, profile: str) -> None:
    """Send the spawn form of ``page`` with ``profile`` chosen; wait until the server is ready."""
    from tests.test_login_oauth import xsrf_of

    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert action is not None
    r = browser.post(
        action.group(1).replace("&amp;", "&"),
        data={"profile": profile, "_xsrf": xsrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 302, r.text
    wait_for(lambda: (server_of(hub) or {}).get("ready"), 30, message="the server to be ready")


def test_profile_list_is_the_spawn_form_and_the_choice_reaches_the_pod(hub_process, kube_cluster):
    hub = kube_hub(hub_process, kube_cluster, profile_list=PROFILES)
    browser = _login(hub, "alice")
    page = browser.get("/hub/spawn")
    assert page.status_code == 200
    assert "Small" in page.text and "Large" in page.text and 'value="large"' in page.text
    _choose_profile(hub, browser, page, "large")
    pod = kube_cluster.pod(POD)
    assert pod is not None
    container = pod["spec"]["containers"][0]
    assert container["resources"]["limits"]["memory"] == 4 * 1024**3  # KubeSpawner turns "4G" into bytes
    assert {"name": "PROFILE", "value": "large"} in container["env"]
    assert hub.api.get("/users/alice").json()["servers"][""]["user_options"] == {"profile": "large"}
    browser.close()
    assert hub.api.delete("/users/alice/server").status_code == 204

    # an empty body starts with the previous options, as in JupyterHub 6
    assert hub.api.post("/users/alice/server", json={}).status_code == 201
    pod = kube_cluster.pod(POD)
    assert pod is not None and pod["spec"]["containers"][0]["resources"]["limits"]["memory"] == 4 * 1024**3
    assert hub.api.delete("/users/alice/server").status_code == 204
    # the API's user_options take the same path as the form
    assert hub.api.post("/users/alice/server", json={"profile": "small"}).status_code == 201
    pod = kube_cluster.pod(POD)
    assert pod is not None and pod["spec"]["containers"][0]["resources"]["limits"]["memory"] == 1024**3
    assert hub.api.delete("/users/alice/server").status_code == 204


# KubeSpawner also takes a function of the spawner (here a coroutine) returning the profiles,
# as a hub computes them per user; the config file defines it
PROFILE_FUNCTION = """
async def profiles_for(spawner):
    name = spawner.user.name
    return [
        {
            "display_name": f"Everyday, for {name}",
            "slug": "everyday",
            "default": True,
            "kubespawner_override": {"cpu_limit": 1.0},
        },
        {
            "display_name": f"Bigger, for {name}",
            "slug": "bigger",
            "kubespawner_override": {
                "image": "standin/singleuser:bigger",
                "cpu_limit": 2.0,
                "mem_limit": "2G",
                "environment": {"PROFILE": f"bigger-{name}"},
            },
        },
    ]

c.KubeSpawner.profile_list = profiles_for
"""


def test_profile_list_as_a_function_of_the_spawner_gives_the_form_and_the_pod(hub_process, kube_cluster):
    # the second profile's image, whose entrypoint runs the container's args as the default image's does
    kube_cluster.map_image("standin/singleuser:bigger", ["/usr/bin/env", "--"])
    hub = kube_hub(hub_process, kube_cluster, PROFILE_FUNCTION)
    browser = _login(hub, "alice")
    page = browser.get("/hub/spawn")
    assert page.status_code == 200
    # the form lists what the function returned for this user
    assert "Everyday, for alice" in page.text and "Bigger, for alice" in page.text
    assert 'value="bigger"' in page.text
    _choose_profile(hub, browser, page, "bigger")
    browser.close()
    pod = kube_cluster.pod(POD)
    assert pod is not None
    container = pod["spec"]["containers"][0]
    assert container["image"] == "standin/singleuser:bigger"
    assert container["resources"]["limits"]["memory"] == 2 * 1024**3
    assert container["resources"]["limits"]["cpu"] == 2.0
    assert {"name": "PROFILE", "value": "bigger-alice"} in container["env"]
    assert pod["status"]["containerStatuses"][0]["image"] == "standin/singleuser:bigger"
    assert hub.api.get("/users/alice").json()["servers"][""]["user_options"] == {"profile": "bigger"}
    assert hub.api.delete("/users/alice/server").status_code == 204

    # through the API, a slug the function does not return fails the start, with KubeSpawner's reason
    r = hub.api.post("/users/alice/server", json={"profile": "huge"})
    assert r.status_code == 500, r.text
    assert r.json()["message"] == "Spawn failed: No such profile: huge. Options include: everyday, bigger"
    assert server_of(hub) is None
    assert kube_cluster.pod(POD) is None
    assert hub.api.post("/users/alice/server", json={"profile": "everyday"}).status_code == 201
    pod = kube_cluster.pod(POD)
    assert pod is not None
    container = pod["spec"]["containers"][0]
    assert container["image"] == "standin/singleuser:test" and container["resources"]["limits"]["cpu"] == 1.0
    assert hub.api.delete("/users/alice/server").status_code == 204


def test_a_pod_deleted_behind_the_hubs_back_is_reported_stopped(hub_process, kube_cluster):
    hub = kube_hub(hub_process, kube_cluster)
    hub.api.post("/users/alice")
    assert hub.api.post("/users/alice/server").status_code == 201
    kube_cluster.delete_pod(POD)
    wait_for(lambda: server_of(hub) is None, 20, message="the hub to see the pod gone")
    assert "/user/alice/" not in hub.api.get("/proxy").json()
    # and it starts again
    assert hub.api.post("/users/alice/server").status_code == 201
    assert kube_cluster.pod(POD) is not None


def test_an_image_the_cluster_cannot_pull_ends_the_start_at_its_timeout(hub_process, kube_cluster):
    image = "registry.example.org/nobody/missing:1"
    extra = "c.JupyterHub.slow_spawn_timeout = 0\n"
    hub = kube_hub(hub_process, kube_cluster, extra, image=image, start_timeout=4)
    hub.api.post("/users/alice")
    assert hub.api.post("/users/alice/server").status_code == 202
    # the progress stream, followed during the start, shows why the pod does not start
    stream = hub.api.get("/users/alice/server/progress").text
    events = [
        json.loads(line.removeprefix("data: ")) for line in stream.splitlines() if line.startswith("data: ")
    ]
    messages = "\n".join(e["message"] for e in events)
    assert f'Failed to pull image "{image}"' in messages, messages
    assert f'Back-off pulling image "{image}"' in messages
    assert events[-1] == {
        "progress": 100,
        "failed": True,
        "message": "Spawn failed: the server did not start within 4 seconds",
    }
    assert server_of(hub) is None
    wait_for(lambda: kube_cluster.pod(POD) is None, 30, message="the pod to be deleted")
    assert "/user/alice/" not in hub.api.get("/proxy").json()


def test_the_kubernetes_api_failing_ends_the_start_cleanly(hub_process, kube_cluster):
    hub = kube_hub(hub_process, kube_cluster)
    hub.api.post("/users", json={"usernames": ["alice", "bob"]})
    kube_cluster.fail_next(count=1, status=500, method="POST", path="/pods", message="etcd is unhappy")
    r = hub.api.post("/users/alice/server")
    assert r.status_code == 500
    assert r.json()["message"].startswith("Spawn failed: ")
    assert "etcd is unhappy" in r.json()["message"] or "500" in r.json()["message"]
    assert server_of(hub) is None and kube_cluster.pod(POD) is None
    assert "/user/alice/" not in hub.api.get("/proxy").json()
    # everyone else is served
    assert hub.api.post("/users/bob/server").status_code == 201
    assert kube_cluster.pod("jupyter-bob") is not None


def test_a_hub_killed_mid_spawn_ends_the_spawn_cleanly_on_restart(hub_process, kube_cluster):
    extra = "c.Spawner.http_timeout = 120\nc.JupyterHub.slow_spawn_timeout = 0.5\n"
    # the container runs but never answers HTTP: the start waits on it
    hub = kube_hub(hub_process, kube_cluster, extra, cmd=["sleep", "600"])
    hub.api.post("/users/alice")
    assert hub.api.post("/users/alice/server").status_code == 202
    wait_for(
        lambda: (kube_cluster.pod(POD) or {}).get("status", {}).get("phase") == "Running",
        30,
        message="the pod to run",
    )
    pid = kube_cluster.pod_pid(POD)
    hub.kill()
    hub.start()  # the same configuration, database and proxy
    again = hub
    model = again.api.get("/users/alice", params={"include_stopped_servers": "1"}).json()
    server = model["servers"][""]
    assert server["pending"] is None and server["ready"] is False
    wait_for(lambda: kube_cluster.pod(POD) is None, 30, message="the interrupted start's pod to be deleted")
    assert pid is not None and wait_for(lambda: not running(pid), 30, message="its process to end")
    events = again.api.get("/users/alice/server/progress").text
    assert "the hub restarted during the start" in events
    assert "/user/alice/" not in again.api.get("/proxy").json()


def test_a_kubernetes_api_that_does_not_answer_ends_the_start_cleanly(hub_process, kube_cluster):
    hub = kube_hub(hub_process, kube_cluster, k8s_api_request_timeout=1, k8s_api_request_retry_timeout=3)
    hub.api.post("/users", json={"usernames": ["alice", "bob"]})
    kube_cluster.hang_next(count=20, seconds=30, method="POST", path="/pods")
    r = hub.api.post("/users/alice/server")
    assert r.status_code == 500 and r.json()["message"].startswith("Spawn failed: "), r.text
    assert server_of(hub) is None
    assert "/user/alice/" not in hub.api.get("/proxy").json()
    kube_cluster.clear_faults()
    assert hub.api.post("/users/bob/server").status_code == 201
