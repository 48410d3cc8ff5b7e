"""deploy/kubernetes/: the manifests, the hub's configuration in them and the image.

No cluster is needed: every object is validated against Kubernetes' own
schemas (kubernetes-validate), the references between objects are resolved,
the Role is compared with the API calls KubeSpawner's source makes, the
configuration is loaded by the hub's own loader with the environment each hub
replica's container gets, and KubeSpawner builds a user pod from it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import kubernetes_validate
import kubespawner.spawner
import pytest
import yaml

from hub.config import JupyterHub, load_config, warn_unknown
from hub.plugins.loader import resolve_class
from hub.spawners.local import SHORT_NAMES as NATIVE_SPAWNERS

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "kubernetes"
KUSTOMIZATION = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
NAMESPACE = KUSTOMIZATION["namespace"]
SECRET_TEMPLATE = "secret.example.yaml"
#: the oldest Kubernetes release the manifests are checked against, and the newest the validator knows
K8S_VERSIONS = ["1.27.0", kubernetes_validate.latest_version()]
WORKLOAD_KINDS = {"Deployment", "StatefulSet"}


def _docs(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d is not None]


def _generated_config_maps() -> list[dict[str, Any]]:
    """The ConfigMaps kustomize makes from configMapGenerator (before its hash suffix)."""
    made = []
    for generator in KUSTOMIZATION.get("configMapGenerator", []):
        data = {Path(f).name: (DEPLOY / f).read_text() for f in generator["files"]}
        metadata = {"name": generator["name"], "namespace": NAMESPACE}
        made.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data})
    return made


#: every object an operator applies: the kustomization's, and the Secret made from the template
OBJECTS = [obj for name in [*KUSTOMIZATION["resources"], SECRET_TEMPLATE] for obj in _docs(name)]
OBJECTS += _generated_config_maps()


def _one(kind: str, name: str) -> dict[str, Any]:
    found = [o for o in OBJECTS if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} objects"
    return found[0]


def _workloads() -> list[dict[str, Any]]:
    return [o for o in OBJECTS if o["kind"] in WORKLOAD_KINDS]


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def _container(workload: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [c for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] == name]
    return found


def _flag(args: list[str], name: str) -> str:
    (value,) = [a.split("=", 1)[1] for a in args if a.startswith(f"--{name}=")]
    return value


HUB = _one("Deployment", "hub")
HUB_CONTAINER = _container(HUB, "hub")
PROXY = _one("Deployment", "proxy")
PROXY_CONTAINER = _container(PROXY, "proxy")
CONFIG_PATH = HUB_CONTAINER["args"][HUB_CONTAINER["args"].index("-f") + 1]


# --- the files -----------------------------------------------------------------------


def test_every_yaml_file_parses_and_is_applied_or_is_the_secret_template():
    files = {p.name for p in DEPLOY.glob("*.y*ml")} - {"kustomization.yaml"}
    assert files == {*KUSTOMIZATION["resources"], SECRET_TEMPLATE}
    assert SECRET_TEMPLATE not in KUSTOMIZATION["resources"], "applying must never overwrite the secrets"
    for name in files:
        for obj in _docs(name):
            assert {"apiVersion", "kind", "metadata"} <= obj.keys(), name
            assert obj["metadata"]["name"], name


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_objects_are_valid_for_kubernetes(version):
    assert len(OBJECTS) >= 12
    for obj in OBJECTS:
        # strict: a field Kubernetes does not know (a typo) is an error too
        kubernetes_validate.validate(obj, version, strict=True)


def test_names_are_unique_and_everything_is_in_the_namespace():
    keys = [(o["kind"], o["metadata"]["name"]) for o in OBJECTS]
    assert len(keys) == len(set(keys))
    _one("Namespace", NAMESPACE)
    for obj in OBJECTS:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == NAMESPACE, obj["metadata"]["name"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (its kustomize) is not installed")
def test_kustomize_renders_what_these_tests_read():
    done = subprocess.run(["kubectl", "kustomize", str(DEPLOY)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    rendered = [d for d in yaml.safe_load_all(done.stdout) if d is not None]
    for obj in rendered:
        kubernetes_validate.validate(obj, K8S_VERSIONS[-1], strict=True)
    applied = [o for o in OBJECTS if o["metadata"]["name"] != "hub-secrets"]
    assert len(rendered) == len(applied)
    (config_map,) = [o for o in rendered if o["kind"] == "ConfigMap"]
    assert config_map["metadata"]["name"].startswith(
        "hub-config-"
    )  # the hash suffix: a change replaces the pod
    assert config_map["data"] == _one("ConfigMap", "hub-config")["data"]
    deployments = {o["metadata"]["name"]: o for o in rendered if o["kind"] == "Deployment"}
    assert set(deployments) == {"hub", "proxy"}
    volumes = deployments["hub"]["spec"]["template"]["spec"]["volumes"]
    assert {"name": "config", "configMap": {"name": config_map["metadata"]["name"]}} in volumes
    (image,) = KUSTOMIZATION["images"]
    for deployment in deployments.values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert container["image"] == f"{image['newName']}:{image['newTag']}"


# --- references between objects ------------------------------------------------------


def test_workload_selectors_match_their_pod_labels():
    assert {w["metadata"]["name"] for w in _workloads()} == {"hub", "proxy", "postgres"}
    for workload in _workloads():
        selector = workload["spec"]["selector"]["matchLabels"]
        assert selector
        assert _matches(selector, workload["spec"]["template"]["metadata"]["labels"])
        others = [w for w in _workloads() if w is not workload]
        assert not any(_matches(selector, w["spec"]["template"]["metadata"]["labels"]) for w in others)


def _pod_ports(workload: dict[str, Any]) -> dict[str | int, int]:
    ports: dict[str | int, int] = {}
    for container in workload["spec"]["template"]["spec"]["containers"]:
        for port in container.get("ports", []):
            ports[port["containerPort"]] = port["containerPort"]
            if "name" in port:
                ports[port["name"]] = port["containerPort"]
    return ports


def test_services_select_one_workload_and_target_its_ports():
    services = [o for o in OBJECTS if o["kind"] == "Service"]
    assert {s["metadata"]["name"] for s in services} == {"hub", "proxy-api", "proxy-public", "postgres"}
    for service in services:
        selected = [
            w
            for w in _workloads()
            if _matches(service["spec"]["selector"], w["spec"]["template"]["metadata"]["labels"])
        ]
        assert len(selected) == 1, service["metadata"]["name"]
        ports = _pod_ports(selected[0])
        for port in service["spec"]["ports"]:
            assert port.get("targetPort", port["port"]) in ports, (service["metadata"]["name"], port)


def _selects(service: dict[str, Any]) -> dict[str, Any]:
    """The one workload whose pods ``service`` selects."""
    (workload,) = [
        w
        for w in _workloads()
        if _matches(service["spec"]["selector"], w["spec"]["template"]["metadata"]["labels"])
    ]
    return workload


def _container_port(container: dict[str, Any], name: str) -> int:
    (port,) = [p["containerPort"] for p in container["ports"] if p["name"] == name]
    return port


def test_proxy_services_reach_the_proxy_and_the_hub_service_the_hub():
    public = _one("Service", "proxy-public")
    assert _selects(public) is PROXY
    (port,) = public["spec"]["ports"]
    assert _container_port(PROXY_CONTAINER, port["targetPort"]) == int(_flag(PROXY_CONTAINER["args"], "port"))
    api = _one("Service", "proxy-api")
    assert _selects(api) is PROXY and api["spec"]["type"] == "ClusterIP"  # never exposed outside
    (port,) = api["spec"]["ports"]
    assert _container_port(PROXY_CONTAINER, port["targetPort"]) == int(
        _flag(PROXY_CONTAINER["args"], "api-port")
    )
    # the API listens on the pod's network, where the hub pods reach it
    assert _flag(PROXY_CONTAINER["args"], "api-ip") == "0.0.0.0"
    hub = _one("Service", "hub")
    assert _selects(hub) is HUB
    assert [p["targetPort"] for p in hub["spec"]["ports"]] == [HUB_CONTAINER["ports"][0]["name"]]


def test_referenced_objects_and_keys_exist():
    secret_keys = {o["metadata"]["name"]: set(o["stringData"]) for o in OBJECTS if o["kind"] == "Secret"}
    config_maps = {o["metadata"]["name"]: set(o["data"]) for o in OBJECTS if o["kind"] == "ConfigMap"}
    used_secret_keys = set()
    for workload in _workloads():
        pod = workload["spec"]["template"]["spec"]
        if "serviceAccountName" in pod:
            _one("ServiceAccount", pod["serviceAccountName"])
        for volume in pod.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps
            if "persistentVolumeClaim" in volume:
                _one("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
        claim_templates = {t["metadata"]["name"] for t in workload["spec"].get("volumeClaimTemplates", [])}
        volumes = {v["name"] for v in pod.get("volumes", [])} | claim_templates
        for container in pod["containers"]:
            for mount in container.get("volumeMounts", []):
                assert mount["name"] in volumes, (container["name"], mount["name"])
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secret_keys[ref["name"]], (container["name"], ref)
                    used_secret_keys.add((ref["name"], ref["key"]))
        if workload["kind"] == "StatefulSet":
            _one("Service", workload["spec"]["serviceName"])
    # the template holds nothing that no container reads
    assert used_secret_keys == {(name, key) for name, keys in secret_keys.items() for key in keys}
    binding = _one("RoleBinding", "hub")
    _one("Role", binding["roleRef"]["name"])
    for subject in binding["subjects"]:
        assert subject["namespace"] == NAMESPACE
        _one(subject["kind"], subject["name"])


def test_the_config_map_is_mounted_where_the_hub_is_told_to_read_it():
    (volume,) = [v for v in HUB["spec"]["template"]["spec"]["volumes"] if "configMap" in v]
    (mount,) = [m for m in HUB_CONTAINER["volumeMounts"] if m["name"] == volume["name"]]
    config_map = _one("ConfigMap", volume["configMap"]["name"])
    assert str(Path(mount["mountPath"]) / Path(CONFIG_PATH).name) == CONFIG_PATH
    assert Path(CONFIG_PATH).name in config_map["data"]


def test_images_are_pinned_or_set_by_the_kustomization():
    rewritten = {i["name"] for i in KUSTOMIZATION.get("images", [])}
    for workload in _workloads():
        for container in workload["spec"]["template"]["spec"]["containers"]:
            image = container["image"]
            assert image in rewritten or re.fullmatch(r"[\w./-]+:[\w.-]+", image), image
            assert not image.endswith(":latest"), image


# --- two hub replicas, one proxy ----------------------------------------------------


def _pods_of(selector: dict[str, str]) -> list[str]:
    """The workloads whose pods ``selector`` matches."""
    return [
        w["metadata"]["name"]
        for w in _workloads()
        if _matches(selector, w["spec"]["template"]["metadata"]["labels"])
    ]


def _scaled(value: int | str, replicas: int, round_up: bool) -> int:
    """A rolling update's maxSurge (rounded up) or maxUnavailable (rounded down), as Kubernetes reads them."""
    if isinstance(value, int):
        return value
    percent = int(value.rstrip("%"))
    return -(-replicas * percent // 100) if round_up else replicas * percent // 100


def test_two_hub_replicas_serve_behind_the_hub_service():
    assert HUB["spec"]["replicas"] == 2
    assert _pods_of(_one("Service", "hub")["spec"]["selector"]) == ["hub"]


def test_a_rollout_keeps_both_hubs_ready_until_the_new_one_is():
    replicas = HUB["spec"]["replicas"]
    strategy = HUB["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate"
    rolling = strategy.get("rollingUpdate", {})
    surge = _scaled(rolling.get("maxSurge", "25%"), replicas, round_up=True)
    unavailable = _scaled(rolling.get("maxUnavailable", "25%"), replicas, round_up=False)
    # an old pod stops only once its replacement is ready: never fewer ready hubs than replicas
    assert unavailable == 0 and surge >= 1
    assert replicas - unavailable >= 1
    # a replica that is not ready is not sent requests: the hub Service and the rollout both see it
    assert HUB_CONTAINER["readinessProbe"]["httpGet"]["port"] == HUB_CONTAINER["ports"][0]["name"]


def test_the_disruption_budget_keeps_one_hub_through_a_drain():
    budget = _one("PodDisruptionBudget", "hub")["spec"]
    assert _pods_of(budget["selector"]["matchLabels"]) == ["hub"]
    assert budget["minAvailable"] == 1 and "maxUnavailable" not in budget
    # below the replicas: a drain can still evict one hub at a time
    assert budget["minAvailable"] < HUB["spec"]["replicas"]


def test_hub_replicas_prefer_different_nodes():
    anti = HUB["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
    # preferred, not required: the rollout's extra pod and a one-node cluster still schedule
    assert "requiredDuringSchedulingIgnoredDuringExecution" not in anti
    (term,) = anti["preferredDuringSchedulingIgnoredDuringExecution"]
    assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    assert _pods_of(term["podAffinityTerm"]["labelSelector"]["matchLabels"]) == ["hub"]


def test_one_proxy_holds_the_routes_for_every_hub_replica():
    # configurable-http-proxy keeps its routes in memory: a second copy would have a table of its own
    assert PROXY["spec"]["replicas"] == 1
    assert PROXY["spec"]["strategy"]["type"] == "Recreate"
    assert not [
        c for c in HUB["spec"]["template"]["spec"]["containers"] if "configurable-http-proxy" in c["args"]
    ]
    # the API answers the hub pods only; the public port answers anyone
    policy = _one("NetworkPolicy", "proxy")["spec"]
    assert _pods_of(policy["podSelector"]["matchLabels"]) == ["proxy"]
    rules = {tuple(p["port"] for p in rule["ports"]): rule.get("from") for rule in policy["ingress"]}
    ports = {p["containerPort"]: p["name"] for p in PROXY_CONTAINER["ports"]}
    public = ports[int(_flag(PROXY_CONTAINER["args"], "port"))]
    api = ports[int(_flag(PROXY_CONTAINER["args"], "api-port"))]
    assert set(rules) == {(public,), (api,)}
    assert rules[(public,)] is None
    (peer,) = rules[(api,)]
    assert _pods_of(peer["podSelector"]["matchLabels"]) == ["hub"]


# --- the Role and what KubeSpawner calls ---------------------------------------------

_VERBS = {"create": "create", "read": "get", "delete": "delete", "list": "list", "patch": "patch"}
_VERBS["replace"] = "update"
_API_METHOD = re.compile(r"(create|read|delete|list|patch|replace)_namespaced_(\w*)")


def _resource(snake: str) -> str:
    """persistent_volume_claim -> persistentvolumeclaims, endpoints -> endpoints."""
    joined = snake.replace("_", "")
    return joined if joined.endswith("s") else joined + "s"


def kubespawner_needs() -> set[tuple[str, str]]:
    """(resource, verb) pairs of the namespaced calls in kubespawner/spawner.py.

    Direct calls (``self.api.create_namespaced_pod``), the calls whose kind is
    an argument (``getattr(self.api, f"delete_namespaced_{kind}")`` in a
    method given ``"secret"``), and the reflectors (``kind="pods"``: list and
    watch).
    """
    tree = ast.parse(Path(kubespawner.spawner.__file__).read_text())
    needs: set[tuple[str, str]] = set()
    verbs_by_method: dict[str, set[str]] = {}
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and (m := _API_METHOD.fullmatch(node.attr)) and m[2]:
                needs.add((_resource(m[2]), _VERBS[m[1]]))
            if isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                m = _API_METHOD.fullmatch(str(node.values[0].value))
                if m and not m[2]:
                    verbs_by_method.setdefault(func.name, set()).add(_VERBS[m[1]])
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                needs |= {(str(keyword.value.value), "list"), (str(keyword.value.value), "watch")}
        args = node.args
        if isinstance(node.func, ast.Name) and node.func.id == "partial" and args:
            target, rest = args[0], args[1:]
        else:
            target, rest = node.func, args
        named = isinstance(target, ast.Attribute) and target.attr in verbs_by_method
        if named and rest and isinstance(rest[0], ast.Constant):
            kind = _resource(str(rest[0].value))
            needs |= {(kind, verb) for verb in verbs_by_method[target.attr]}
    return needs


def test_the_role_grants_exactly_what_kubespawner_calls():
    needs = kubespawner_needs()
    # what the scan must find, or it found nothing
    assert {("pods", "create"), ("pods", "watch"), ("events", "list"), ("secrets", "get")} <= needs
    granted = set()
    for rule in _one("Role", "hub")["rules"]:
        assert rule["apiGroups"] == [""]
        granted |= {(r, v) for r in rule["resources"] for v in rule["verbs"]}
    assert granted == needs
    # namespaces (enable_user_namespaces) would need a ClusterRole, which is not granted
    assert not any(o["kind"] in {"ClusterRole", "ClusterRoleBinding"} for o in OBJECTS)


# --- the hub's configuration ---------------------------------------------------------


#: the addresses two hub pods might get (the downward API's status.podIP)
POD_IPS = ["10.42.0.17", "10.42.1.23"]


def secret_value(key: str) -> str:
    """A stand-in for the value an operator puts under ``key`` in the Secret:
    32 bytes of hex, as the hub wants its cookie secret and crypt key, one per
    key; a slash and an @ in the passwords to show that they are quoted into the URL."""
    return "p@ss/w:rd" if key.endswith("password") else hashlib.sha256(key.encode()).hexdigest()


def container_env(container: dict[str, Any], pod_ip: str = POD_IPS[0]) -> dict[str, str]:
    """The container's environment in a pod at ``pod_ip``, secrets replaced by stand-ins."""
    env = {}
    for var in container["env"]:
        if "value" in var:
            env[var["name"]] = var["value"]
        elif ref := var["valueFrom"].get("secretKeyRef"):
            env[var["name"]] = secret_value(ref["key"])
        elif var["valueFrom"].get("fieldRef", {}).get("fieldPath") == "status.podIP":
            env[var["name"]] = pod_ip
        else:
            env[var["name"]] = "from-the-downward-api"
    return env


@pytest.fixture
def hub_env(monkeypatch, tmp_path):
    env = container_env(HUB_CONTAINER)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # KubeSpawner reads a cluster configuration when it is built; any will do offline
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:9"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u", "namespace": NAMESPACE}}],
                "current-context": "c",
            }
        )
    )
    # (kubernetes_asyncio read $KUBECONFIG when it was imported)
    from kubernetes_asyncio.config import kube_config

    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(kubeconfig))
    return env


@pytest.fixture
def config_file(tmp_path):
    """The configuration as the hub container sees it: the ConfigMap's key, as a file."""
    (config_map,) = _generated_config_maps()
    path = tmp_path / Path(CONFIG_PATH).name
    path.write_text(config_map["data"][path.name])
    return path


def test_config_loads_without_warnings_and_names_kubespawner(hub_env, config_file, caplog):
    config = load_config(str(config_file))
    assert warn_unknown(config) == []
    assert not [r for r in caplog.records if r.levelname == "WARNING" and r.name == "hub.config"]
    cls = resolve_class(config.JupyterHub.spawner_class, "spawner", NATIVE_SPAWNERS)
    assert cls is kubespawner.KubeSpawner
    assert not config.KubeSpawner.get("enable_user_namespaces", False)


def test_config_reads_nothing_but_the_hub_containers_environment(config_file):
    script = (
        "import sys; from hub.config import load_config, warn_unknown; "
        "c = load_config(sys.argv[1]); print(c.JupyterHub.db_url)"
    )
    env = {"PATH": os.environ["PATH"], **container_env(HUB_CONTAINER)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(config_file)], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("postgresql://")
    # and it does need that environment: without it the file fails rather than guessing
    bare = subprocess.run(
        [sys.executable, "-c", script, str(config_file)],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bare.returncode != 0 and "KeyError" in bare.stderr


def test_config_agrees_with_the_manifests(hub_env, config_file):
    config = load_config(str(config_file))
    hub = JupyterHub(config=config)
    # the hub listens on every address of the pod, on its container port (the probes and the
    # Service use it), and is reached by the proxy at the pod's own address
    host, port = hub.hub_address()
    assert host == "0.0.0.0" and port == HUB_CONTAINER["ports"][0]["containerPort"]
    assert hub.hub_connect_host() == f"http://{hub_env['POD_IP']}:{port}"
    # user pods call the hub through the hub Service
    connect = urlparse(config.KubeSpawner.hub_connect_url)
    service = _one("Service", connect.hostname)
    assert [p["port"] for p in service["spec"]["ports"]] == [connect.port]
    # the proxy is started apart; the hub reaches its API through the proxy-api Service
    assert config.ConfigurableHTTPProxy.should_start is False
    api = urlparse(config.ConfigurableHTTPProxy.api_url)
    api_service = _one("Service", api.hostname)
    assert _selects(api_service) is PROXY
    (api_port,) = api_service["spec"]["ports"]
    assert api.port == api_port["port"]
    assert _container_port(PROXY_CONTAINER, api_port["targetPort"]) == int(
        _flag(PROXY_CONTAINER["args"], "api-port")
    )
    proxy_env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in PROXY_CONTAINER["env"]}
    hub_secrets = {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in HUB_CONTAINER["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert proxy_env["CONFIGPROXY_AUTH_TOKEN"] == hub_secrets["CONFIGPROXY_AUTH_TOKEN"]
    # the database: the postgres Service, the user and database PostgreSQL creates
    db = urlparse(config.JupyterHub.db_url)
    postgres = _container(_one("StatefulSet", "postgres"), "postgres")
    pg_env = {e["name"]: e.get("value") for e in postgres["env"]}
    assert db.scheme == "postgresql"
    assert [p["port"] for p in _one("Service", db.hostname)["spec"]["ports"]] == [db.port]
    assert db.username == pg_env["POSTGRES_USER"] and db.path == "/" + pg_env["POSTGRES_DB"]
    assert db.password == "p%40ss%2Fw%3Ard"
    assert hub_secrets["POSTGRES_PASSWORD"] == next(
        e["valueFrom"]["secretKeyRef"] for e in postgres["env"] if e["name"] == "POSTGRES_PASSWORD"
    )
    # the cookie secret comes from the Secret (one per deployment, not a file per pod)
    assert "JPY_COOKIE_SECRET" in hub_secrets and "cookie_secret" not in config.JupyterHub


#: two hub pods: their names (the pods' host names) and addresses
REPLICAS = [("hub-7c9f8d6b5-x2kqp", POD_IPS[0]), ("hub-7c9f8d6b5-m4tzn", POD_IPS[1])]


def _replica_env(monkeypatch, pod: str, pod_ip: str) -> None:
    """The environment and host name of the hub container in pod ``pod``."""
    for name, value in container_env(HUB_CONTAINER, pod_ip).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(socket, "gethostname", lambda: pod)


def test_the_pod_address_comes_from_the_downward_api():
    (var,) = [v for v in HUB_CONTAINER["env"] if v["name"] == "POD_IP"]
    assert var["valueFrom"] == {"fieldRef": {"fieldPath": "status.podIP"}}


async def test_each_replica_routes_the_hub_to_its_own_pod(hub_env, config_file, monkeypatch):
    from hub import runtime

    seen = {}
    for pod, pod_ip in REPLICAS:
        _replica_env(monkeypatch, pod, pod_ip)
        hub = runtime.Hub(load_config(str(config_file)))
        try:
            port = HUB_CONTAINER["ports"][0]["containerPort"]
            # what this replica puts in the proxy's "/" route: its pod, where the proxy's pod reaches it
            assert hub.lifecycle.urls.hub_target == f"http://{pod_ip}:{port}"
            assert hub.settings.hub_address() == ("0.0.0.0", port)  # listening on every address
            seen[pod] = (hub.lifecycle.lease.owner, hub.proxy.api_url)

            # the replica the route names has gone (a rollout, a drain): this one takes the route
            routes = {"/": {"target": f"http://10.42.9.9:{port}", "hub": True}}
            added = []

            async def get_all_routes(routes=routes):
                return routes

            async def add_route(spec, target, data, added=added):
                added.append((spec, target, data))

            async def answers(target, spec):
                return False

            monkeypatch.setattr(hub.proxy, "get_all_routes", get_all_routes)
            monkeypatch.setattr(hub.proxy, "add_route", add_route)
            monkeypatch.setattr(runtime, "_answers", answers)
            assert await hub.keep_hub_route() is True
            assert added == [("/", f"http://{pod_ip}:{port}", {"hub": True})]
            # and a replica leaves the route alone while it names this replica
            routes["/"]["target"] = hub.lifecycle.urls.hub_target
            assert await hub.keep_hub_route() is False
        finally:
            hub.stop()
    # each replica holds its leases under its own pod's name, and all drive the one proxy
    owners = {owner for owner, _ in seen.values()}
    assert owners == {f"{pod}:{HUB_CONTAINER['ports'][0]['containerPort']}" for pod, _ in REPLICAS}
    assert len({api for _, api in seen.values()}) == 1


def test_every_replica_uses_the_secrets_cookie_secret_and_crypt_key(config_file, monkeypatch, tmp_path):
    from hub.auth import cookies
    from hub.auth.crypto import Crypter
    from hub.web.sessions import LOGIN_COOKIE

    refs = {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in HUB_CONTAINER["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert refs["JPY_COOKIE_SECRET"] == {"name": "hub-secrets", "key": "cookie-secret"}
    assert refs["JUPYTERHUB_CRYPT_KEY"] == {"name": "hub-secrets", "key": "crypt-key"}
    signed, encrypted = None, None
    for pod, pod_ip in REPLICAS:
        _replica_env(monkeypatch, pod, pod_ip)
        workdir = tmp_path / pod  # each pod's own emptyDir
        workdir.mkdir()
        monkeypatch.chdir(workdir)
        settings = JupyterHub(config=load_config(str(config_file)))
        assert settings.cookie_secret == ""  # not in the file: from the Secret, through the environment
        secret = cookies.load_secret(settings.cookie_secret, settings.cookie_secret_file)
        assert secret == bytes.fromhex(secret_value("cookie-secret"))
        assert not list(workdir.iterdir())  # no secret of the pod's own written beside it
        crypter = Crypter.from_env()
        if signed is None:
            signed = cookies.sign(secret, LOGIN_COOKIE, "cookie-id")
            encrypted = crypter.encrypt({"access_token": "t"})
        else:
            # a login made through the first replica holds on the second; so does auth_state
            assert cookies.unsign(secret, LOGIN_COOKIE, signed, 60) == "cookie-id"
            assert crypter.decrypt(encrypted) == {"access_token": "t"}


def test_probes_hit_the_hubs_health_route(hub_env, config_file):
    from hub.app import create_app
    from hub.runtime import Hub

    config = load_config(str(config_file))
    hub = Hub(config)
    try:
        client = create_app(hub).test_client()  # no lifespan: no database, no proxy needed
        paths = set()
        for probe in ("readinessProbe", "livenessProbe"):
            get = HUB_CONTAINER[probe]["httpGet"]
            assert get["port"] == HUB_CONTAINER["ports"][0]["name"]
            paths.add(get["path"])
        (path,) = paths
        assert client.get(path).status_code == 200
        assert client.get(path + "z").status_code == 404  # the check can tell a wrong path
    finally:
        hub.stop()
    chp = ROOT / "node_modules" / "configurable-http-proxy" / "lib" / "configproxy.js"
    for probe in ("readinessProbe", "livenessProbe"):
        get = PROXY_CONTAINER[probe]["httpGet"]
        assert get["port"] == PROXY_CONTAINER["ports"][0]["name"]
        assert f'"{get["path"]}"' in chp.read_text()


async def test_kubespawner_builds_the_user_pod_the_manifests_expect(hub_env, config_file):
    from kubernetes_asyncio.client import ApiClient

    from hub.plugins.facades import HubFacade
    from hub.runtime import Hub

    config = load_config(str(config_file))
    hub = Hub(config)
    try:
        facade = hub.spawner.hub_facade  # what the hub hands its KubeSpawner objects
        assert isinstance(facade, HubFacade)
        spawner = kubespawner.KubeSpawner(_mock=True, config=config, hub=facade)
        spawner.user_options = {"profile": "large"}
        await spawner.load_user_options()
        async with ApiClient() as api:
            pod = api.sanitize_for_serialization(await spawner.get_pod_manifest())
            pvc = api.sanitize_for_serialization(spawner.get_pvc_manifest())
    finally:
        hub.stop()
    for obj in (pod, pvc):
        for version in K8S_VERSIONS:
            kubernetes_validate.validate(obj, version, strict=True)
    (container,) = pod["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    # whichever replica started it, the server calls the hub through the hub Service
    assert env["JUPYTERHUB_API_URL"] == "http://hub:8081/hub/api"
    assert _selects(_one("Service", urlparse(env["JUPYTERHUB_API_URL"]).hostname)) is HUB
    hub_urls = {k: v for k, v in env.items() if v.startswith("http") and "/hub/" in v}
    assert hub_urls and all(urlparse(v).netloc == "hub:8081" for v in hub_urls.values()), hub_urls
    # never the address of the pod that happened to start it, which goes away with that pod
    assert not [v for v in env.values() if hub_env["POD_IP"] in v or "127.0.0.1" in v]
    assert container["image"] == config.KubeSpawner.image
    assert container["resources"]["limits"]["cpu"] == 4  # the "large" profile
    # the user's claim is the one the pod mounts
    claims = [v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"]]
    assert claims == [pvc["metadata"]["name"]]
    # the singleuser NetworkPolicy selects this pod and opens its port, to the proxy and the hub pods only
    policy = _one("NetworkPolicy", "singleuser")["spec"]
    assert _matches(policy["podSelector"]["matchLabels"], pod["metadata"]["labels"])
    assert [p["port"] for p in policy["ingress"][0]["ports"]] == [
        c["containerPort"] for c in container["ports"]
    ]
    peers = policy["ingress"][0]["from"]
    assert sorted(name for peer in peers for name in _pods_of(peer["podSelector"]["matchLabels"])) == [
        "hub",
        "proxy",
    ]


def test_postgres_network_policy_admits_the_hub_only():
    policy = _one("NetworkPolicy", "postgres")["spec"]
    postgres = _one("StatefulSet", "postgres")
    assert _matches(policy["podSelector"]["matchLabels"], postgres["spec"]["template"]["metadata"]["labels"])
    (rule,) = policy["ingress"]
    (peer,) = rule["from"]
    admitted = [
        w
        for w in _workloads()
        if _matches(peer["podSelector"]["matchLabels"], w["spec"]["template"]["metadata"]["labels"])
    ]
    assert admitted == [HUB]
    assert [p["port"] for p in rule["ports"]] == [
        p["name"] for p in _container(postgres, "postgres")["ports"]
    ]


# --- the image -----------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/kubernetes/Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, rest = line.partition(" ")
            found.append((instruction.upper(), rest.strip()))
    return found


def _final_stage() -> list[tuple[str, str]]:
    steps = dockerfile_instructions()
    last_from = max(i for i, (instruction, _) in enumerate(steps) if instruction == "FROM")
    return steps[last_from:]


def test_image_installs_the_plugins_extra_of_this_project():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = pyproject["project"]["optional-dependencies"]
    runs = [rest for instruction, rest in _final_stage() if instruction == "RUN"]
    installs = [shlex.split(r) for r in runs if "pip install" in r]
    (words,) = installs
    (target,) = [w for w in words if w.startswith(".[")]
    extra = target[2:-1]
    assert extra in extras
    assert any(d.startswith("jupyterhub-kubespawner==") for d in extras[extra])
    assert "-e" in words  # in place: the hub reads spec/ and its templates from the source tree
    assert _final_stage()[0][1].startswith("python:3.11-slim")


def test_image_runs_the_hubs_entry_point_with_the_config_path_as_a_non_root_user():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    stage = dict(_final_stage())
    cmd = json.loads(stage["CMD"])
    assert cmd[0] in pyproject["project"]["scripts"]
    assert pyproject["project"]["scripts"][cmd[0]] == "hub.cli:main"
    assert cmd[1:] == ["-f", CONFIG_PATH]
    assert HUB_CONTAINER["args"] == cmd and "command" not in HUB_CONTAINER
    assert json.loads(stage["ENTRYPOINT"]) == ["tini", "--"]
    user = stage["USER"].split(":")[0]
    assert user not in ("0", "root")
    for workload in (HUB, PROXY):
        assert int(user) == workload["spec"]["template"]["spec"]["securityContext"]["runAsUser"]
    # the proxy container runs the same image's configurable-http-proxy, the version package-lock pins
    assert PROXY_CONTAINER["image"] == HUB_CONTAINER["image"]
    assert PROXY_CONTAINER["args"][0] == "configurable-http-proxy"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"]
    assert "/opt/hub/node_modules/.bin" in stage["ENV"]


def test_image_copies_only_what_exists_and_what_the_ignore_file_lets_through():
    ignore = [line.strip() for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()]
    ignore = [line for line in ignore if line and not line.startswith("#")]
    assert ignore[0] == "**"
    let_through = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = set()
    for instruction, rest in dockerfile_instructions():
        if instruction == "COPY" and not rest.startswith("--from"):
            copied |= {s.rstrip("/") for s in rest.split()[:-1]}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["readme"] in copied
    assert {"pyproject.toml", "hub", "spec", "package.json", "package-lock.json"} <= copied
    for source in copied:
        assert (ROOT / source).exists(), source
        parents = {str(p) for p in Path(source).parents}
        assert source in let_through or parents & let_through, source
    # the admin page is built in the image, from its sources only
    assert "hub/web/admin/dist" in ignore and "**/node_modules" in ignore
    runs = " ".join(rest for instruction, rest in dockerfile_instructions() if instruction == "RUN")
    assert "npm run build" in runs
