"""A stand-in for the part of a Kubernetes cluster that KubeSpawner uses.

No Kubernetes API server can run on the test machines, so this module
emulates one, together with a node agent that runs pods as local processes,
closely enough for the real ``kubespawner.KubeSpawner`` (jupyterhub-kubespawner
7.1.0, through ``kubernetes_asyncio``) to start, watch, poll and stop
servers unchanged.

What KubeSpawner needs, learnt from its source
    With the default configuration (events on, no storage, no internal SSL,
    no per-pod services, no user namespaces) a spawner only touches pods and
    events in one namespace:

    * two shared *reflectors* list ``pods`` (``labelSelector=component=
      singleuser-server``) and ``events`` (``fieldSelector=
      involvedObject.kind=Pod``), then ``watch=true`` from the list's
      ``resourceVersion`` with ``timeoutSeconds=10``, reading one JSON watch
      event per line; after a stream ends they list again with
      ``resourceVersion=<last seen>&resourceVersionMatch=NotOlderThan`` and
      watch on. Any error (an ``ERROR`` watch event carrying a 410 ``Status``
      included) makes them back off and relist from ``resourceVersion=0``;
    * ``start()`` creates the pod (a 409 makes it delete the old pod and try
      again; any other error status ends the start with the
      ``ApiException``; a request slower than ``k8s_api_request_timeout`` is
      retried until ``k8s_api_request_retry_timeout``) and waits until the
      reflected pod has ``status.phase == "Running"``, a ``status.podIP``, no
      ``metadata.deletionTimestamp`` and every ``containerStatuses[].ready``;
      it returns ``http://<podIP>:<notebook-port>``;
    * ``progress()`` reports the events whose ``involvedObject.name`` is the
      pod's, ordered by ``lastTimestamp`` (or ``eventTime``);
    * ``poll()`` reads the reflected pod: ``None`` while pending or running,
      the ``exitCode`` of a *terminated* ``notebook`` container, ``1`` when
      the pod is gone;
    * ``stop()`` deletes the pod (``gracePeriodSeconds`` =
      ``delete_grace_period``, 1 by default; 0 for ``stop(now=True)``) and
      waits for it to leave the reflector.

    PVCs, services and secrets are kept as plain stored objects (create,
    read, list, watch, delete) for ``storage_pvc_ensure``, ``services_enabled``
    and ``internal_ssl``; namespaces can be created (``enable_user_namespaces``).
    Any other path is a 404 ``Status``.

The API server (:func:`create_app`)
    Starlette, plain HTTP on 127.0.0.1, bearer token from the kubeconfig.
    Objects get ``metadata.namespace``, ``uid``, ``creationTimestamp`` and
    ``resourceVersion``: one counter for every change of every object, as
    decimal strings, as etcd gives. Lists carry the counter in
    ``metadata.resourceVersion``. Watches without a resource version (or
    with ``"0"``) first send an ``ADDED`` per existing object; watches from a
    version replay the retained changes after it (the last
    ``history_limit``; older versions get a 410 ``ERROR`` event, as from a
    compacted etcd) and then follow live changes until ``timeoutSeconds``.
    An object that starts or stops matching the selectors is sent as
    ``ADDED`` / ``DELETED``, as the real server does. Label selectors accept
    ``k=v``, ``k==v``, ``k!=v``, ``k``, ``!k``, ``k in (a,b)``, ``k notin
    (a,b)``; field selectors ``path=v``, ``path==v``, ``path!=v`` on any
    dotted path of the object. Errors are Kubernetes ``Status`` objects
    (``{"kind": "Status", "apiVersion": "v1", "status": "Failure", ...}``).

    Deleting a pod with a running process sets ``deletionTimestamp`` and
    ``deletionGracePeriodSeconds`` (``MODIFIED``), sends SIGTERM to the
    process group, SIGKILL after the grace period, then removes the pod
    (``DELETED``). ``gracePeriodSeconds=0``, or a pod with no live process,
    is removed at once (after a SIGKILL, so the process is gone when the
    ``DELETED`` event is sent).

The node agent (:class:`Kubelet`)
    One node, ``standin-node`` at 127.0.0.1. A created pod is *scheduled*
    (``spec.nodeName``, condition ``PodScheduled``, event ``Scheduled``),
    given an address, its image found on the node (event ``Pulled``), its
    **first container** run as a local process (event ``Created``), then
    the pod is ``Running`` (event ``Started``).

    Images are never downloaded: the node knows the images mapped with
    :meth:`KubeCluster.map_image` (the fixture maps :data:`SINGLEUSER_IMAGE`),
    each with the ``ENTRYPOINT`` and ``CMD`` it would have. The container's
    argv is then what a container runtime makes of them: ``command`` replaces
    the entrypoint and ``args`` the image's ``CMD``; with ``command`` unset the
    entrypoint runs with ``args`` (KubeSpawner's case: ``cmd`` +
    ``get_args()`` in ``args``, no ``command``), with both unset the
    entrypoint runs with the image's ``CMD``; nothing to run at all is a
    start error. An image the node does not know cannot be pulled, as on a
    cluster asked for an image no registry has: events ``Pulling`` and
    ``Failed`` (``Failed to pull image ...``, ``Error: ErrImagePull``), the
    container waits with reason ``ErrImagePull``, then ``ImagePullBackOff``
    (events ``BackOff``, ``Error: ImagePullBackOff``), the pod stays
    ``Pending``, and the pull is tried again after ``crash_backoff``
    seconds, doubling up to 300 s; an image mapped meanwhile is then pulled.

    A container is ready as soon as it runs, as on a kubelet without a
    readiness probe; with a ``readinessProbe`` (or ``ready_on_listen``) it
    becomes ready once its port accepts TCP connections. Other containers
    are reported running and ready without a process (and their images are
    not checked); init containers, volumes, resources and
    security contexts are ignored. The process runs in a new session with
    the container's ``env`` (``value`` only; ``valueFrom`` is skipped) over
    the stand-in's ``PATH``, ``HOSTNAME`` = pod name, ``$(VAR)`` references
    expanded in env values, command and args as Kubernetes does, in
    ``workingDir`` if that exists here (else a directory per pod), its
    output in ``<state dir>/pods/<namespace>_<name>.log`` (also served at
    ``.../pods/NAME/log``). It dies with the stand-in (``PR_SET_PDEATHSIG``).

    When the process exits on its own, ``restartPolicy`` applies, as on a
    kubelet: ``Never`` (or ``OnFailure`` with exit status 0) terminates the
    container (``state.terminated.exitCode``: the status, or 128 + signal)
    and the pod (``Succeeded`` / ``Failed``); otherwise the container waits
    in ``CrashLoopBackOff`` (``lastState.terminated``, ``restartCount``)
    and is started again after ``crash_backoff`` seconds, doubling up to
    300 s. KubeSpawner's pods have ``restartPolicy: OnFailure``, so a
    server that crashes with a non-zero status is *restarted*, and
    ``poll()`` keeps answering ``None``: a hub only notices through its
    start timeout, exactly as on a real cluster.

Networking: one loopback address per pod
    A real pod has its own network namespace: KubeSpawner sets
    ``Spawner.ip`` to ``0.0.0.0`` and port 8888, so ``JUPYTERHUB_SERVICE_URL``
    is ``http://0.0.0.0:8888/user/NAME/`` in every pod, and the hub connects
    to ``<podIP>:8888``. Here all pods share the machine's network, so each
    pod gets an address of its own in 127.0.0.0/8 (Linux routes all of it
    to ``lo``): ``127.<subnet>.x.y``, the subnet picked per stand-in (from
    the pytest-xdist worker number, else at random) and an address skipped
    if its container ports are taken. The node agent then **rewrites the
    wildcard host** (``0.0.0.0``, ``::``, ``*`` or empty) to the pod's
    address in ``JUPYTERHUB_SERVICE_URL`` and in ``--ip=...`` / ``--ip ...``
    style arguments (``--ServerApp.ip=0.0.0.0`` too), so the server listens
    on ``<podIP>:8888`` only. Other hosts are passed through unchanged (a
    server told to listen on 127.0.0.1 is unreachable from the hub, as in a
    pod).

Test controls (``/_standin/...``, not part of the Kubernetes API)
    Faults for the next N API requests matching a method and path fragment:
    an error status, or a hang (the answer is held for a while, then a 504);
    compaction of the change history (the next watch from an older version
    gets 410); a signal to a pod's process (a crash); the request log; the
    pods' processes. :class:`KubeCluster` wraps them.

Running it
    :func:`start_kube_standin` starts ``python -m tests.helpers.kube_standin``
    as a subprocess (so a test can kill it), writes a kubeconfig and returns
    a :class:`KubeCluster`; :func:`kube_cluster` is the pytest fixture
    around it (registered in tests/conftest.py), :func:`make_kube_spawner`
    the fixture that builds ``KubeSpawner`` objects against it without a
    hub, with the facades of tests/helpers/batchspawner_hub.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STANDIN_SERVER = Path(__file__).resolve().parent / "standin_server.py"
NODE_NAME = "standin-node"
NODE_IP = "127.0.0.1"
CONTROL_HEADER = "X-Standin-Control"
DEFAULT_NAMESPACE = "standin"

#: the image of :meth:`KubeCluster.spawner_config`, known to every stand-in's node
SINGLEUSER_IMAGE = "standin/singleuser:test"
#: its entrypoint, standing in for the ``tini -g --`` of Jupyter's images: it runs the
#: container's args (KubeSpawner's ``cmd``) as they are
SINGLEUSER_ENTRYPOINT = ["/usr/bin/env", "--"]

#: the kinds kept, by their plural in the URL, and whether they live in a namespace
KINDS: dict[str, tuple[str, bool]] = {
    "pods": ("Pod", True),
    "events": ("Event", True),
    "persistentvolumeclaims": ("PersistentVolumeClaim", True),
    "services": ("Service", True),
    "secrets": ("Secret", True),
    "namespaces": ("Namespace", False),
}
WILDCARD_HOSTS = {"0.0.0.0", "::", "*", ""}
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
ENV_REFERENCE = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")
MAX_BACKOFF = 300.0


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def in_rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(time.time() + seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_body(
    code: int, reason: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Kubernetes ``Status`` object for a failed request."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        body["details"] = details
    return body


REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "AlreadyExists",
    410: "Expired",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


class ApiError(Exception):
    def __init__(self, code: int, message: str, reason: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.body = status_body(code, reason or REASONS.get(code, "Unknown"), message, details or None)


# ---------------------------------------------------------------- selectors


def _lookup(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _split_selector(text: str) -> list[str]:
    """Split on the commas that are not inside ``(...)``."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


LABEL_SET = re.compile(r"^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$")
LABEL_CMP = re.compile(r"^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$")
LABEL_KEY = re.compile(r"^(!?)\s*([\w./-]+)$")


@dataclass(frozen=True)
class Selector:
    """Label and field selectors of a list or watch request."""

    labels: tuple[Callable[[dict[str, str]], bool], ...] = ()
    fields: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def parse(cls, label_selector: str, field_selector: str) -> Selector:
        labels: list[Callable[[dict[str, str]], bool]] = []
        for term in _split_selector(label_selector):
            if m := LABEL_SET.match(term):
                key, op, values = m.group(1), m.group(2), {v.strip() for v in m.group(3).split(",")}
                if op == "in":
                    labels.append(lambda ls, k=key, vs=values: ls.get(k) in vs)
                else:
                    labels.append(lambda ls, k=key, vs=values: ls.get(k) not in vs)
            elif m := LABEL_CMP.match(term):
                key, op, value = m.groups()
                if op == "!=":
                    labels.append(lambda ls, k=key, v=value: ls.get(k) != v)
                else:
                    labels.append(lambda ls, k=key, v=value: ls.get(k) == v)
            elif m := LABEL_KEY.match(term):
                negate, key = m.group(1) == "!", m.group(2)
                labels.append(lambda ls, k=key, n=negate: (k in ls) != n)
            else:
                raise ApiError(400, f"unable to parse requirement: {term!r}")
        fields: list[tuple[str, str, str]] = []
        for term in _split_selector(field_selector):
            m = re.match(r"^([\w.]+)\s*(==|=|!=)\s*(.*)$", term)
            if m is None:
                raise ApiError(400, f"invalid field selector: {term!r}")
            path, op, value = m.groups()
            fields.append((path, "!=" if op == "!=" else "=", value))
        return cls(tuple(labels), tuple(fields))

    def matches(self, obj: dict[str, Any] | None) -> bool:
        if obj is None:
            return False
        labels = obj.get("metadata", {}).get("labels") or {}
        if not all(test(labels) for test in self.labels):
            return False
        for path, op, value in self.fields:
            found = _lookup(obj, path)
            text = "" if found is None else str(found)
            if (text == value) != (op == "="):
                return False
        return True


# ---------------------------------------------------------------- the store


@dataclass
class Change:
    """One change of one object, at one resource version."""

    rv: int
    plural: str
    namespace: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None  # None: deleted (old is the last state)

    def event_for(self, plural: str, namespace: str | None, selector: Selector) -> dict[str, Any] | None:
        """The watch event this change is for a watcher, or None."""
        if plural != self.plural or (namespace is not None and namespace != self.namespace):
            return None
        was, now = selector.matches(self.old), selector.matches(self.new)
        if self.new is None:
            return {"type": "DELETED", "object": self.old} if was else None
        if now:
            return {"type": "MODIFIED" if was else "ADDED", "object": self.new}
        if was:
            return {"type": "DELETED", "object": self.new}
        return None


class Store:
    """Every object, the resource-version counter, the retained changes and the watchers."""

    def __init__(self, history_limit: int = 1000) -> None:
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.rv = 0
        self.history: deque[Change] = deque()
        self.history_limit = history_limit
        self.compacted = 0  # changes at or below this version are no longer retained
        self.watchers: set[asyncio.Queue[Change]] = set()

    def _record(self, plural: str, namespace: str, old: Any, new: Any) -> None:
        change = Change(self.rv, plural, namespace, old, new)
        self.history.append(change)
        while len(self.history) > self.history_limit:
            self.compacted = self.history.popleft().rv
        for queue in self.watchers:
            queue.put_nowait(change)

    def compact(self) -> None:
        self.history.clear()
        self.compacted = self.rv

    def get(self, plural: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects.get((plural, namespace, name))

    def list(self, plural: str, namespace: str | None, selector: Selector) -> list[dict[str, Any]]:
        return [
            obj
            for (p, ns, _), obj in sorted(self.objects.items(), key=lambda kv: kv[1]["metadata"]["_order"])
            if p == plural and (namespace is None or ns == namespace) and selector.matches(obj)
        ]

    def create(self, plural: str, namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
        kind, _ = KINDS[plural]
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + secrets.token_hex(3)[:5]
        name = meta.get("name") or ""
        if not name:
            raise ApiError(422, f"{kind} is invalid: metadata.name: Required value", kind=kind)
        if not DNS_SUBDOMAIN.match(name) or len(name) > 253:
            raise ApiError(422, f'{kind} "{name}" is invalid: metadata.name: Invalid value', kind=kind)
        if (plural, namespace, name) in self.objects:
            raise ApiError(409, f'{plural} "{name}" already exists', name=name, kind=plural)
        self.rv += 1
        obj["kind"], obj["apiVersion"] = kind, "v1"
        if namespace:
            meta["namespace"] = namespace
        meta["uid"] = str(uuid.uuid4())
        meta["resourceVersion"] = str(self.rv)
        meta["creationTimestamp"] = now_rfc3339()
        meta["_order"] = self.rv
        self.objects[(plural, namespace, name)] = obj
        self._record(plural, namespace, None, _public(obj))
        return obj

    def update(self, obj: dict[str, Any], mutate: Callable[[dict[str, Any]], None]) -> None:
        """Apply ``mutate`` to a stored object as one change (ignored if it is gone)."""
        meta = obj["metadata"]
        key = (_plural_of(obj), meta.get("namespace", ""), meta["name"])
        if self.objects.get(key) is not obj:
            return
        old = _public(obj)
        mutate(obj)
        self.rv += 1
        meta["resourceVersion"] = str(self.rv)
        self._record(key[0], key[1], old, _public(obj))

    def remove(self, obj: dict[str, Any]) -> None:
        meta = obj["metadata"]
        key = (_plural_of(obj), meta.get("namespace", ""), meta["name"])
        if self.objects.get(key) is not obj:
            return
        del self.objects[key]
        self.rv += 1
        meta["resourceVersion"] = str(self.rv)
        self._record(key[0], key[1], _public(obj), None)


def _plural_of(obj: dict[str, Any]) -> str:
    return next(p for p, (kind, _) in KINDS.items() if kind == obj["kind"])


def _public(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """A snapshot of an object as the API shows it (without bookkeeping keys)."""
    if obj is None:
        return None
    copy = json.loads(json.dumps(obj))
    copy["metadata"].pop("_order", None)
    return copy  # type: ignore[no-any-return]


# ---------------------------------------------------------------- faults


@dataclass
class Fault:
    """The next ``count`` API requests matching ``method`` and ``path`` fail (``status``) or hang."""

    count: int
    status: int = 500
    hang: float = 0.0
    method: str = ""
    path: str = ""
    message: str = "injected failure"

    def matches(self, method: str, path: str) -> bool:
        return (not self.method or self.method.upper() == method) and self.path in path


# ---------------------------------------------------------------- the node agent


def _set_parent_death_signal() -> None:
    """In the child, before exec: die with SIGKILL when the stand-in dies."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def expand_references(text: str, env: dict[str, str]) -> str:
    """Kubernetes' ``$(VAR)`` expansion: defined variables are replaced, ``$$`` is ``$``."""

    def replace(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        return env[name] if name in env else m.group(0)

    return ENV_REFERENCE.sub(replace, text)


def rewrite_service_url(url: str, ip: str) -> str:
    """``JUPYTERHUB_SERVICE_URL`` with a wildcard host replaced by the pod's address."""
    parts = urlsplit(url)
    if (parts.hostname or "") not in WILDCARD_HOSTS and parts.netloc.split(":")[0] not in ("*", "[::]"):
        return url
    netloc = ip if parts.port is None else f"{ip}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


IP_OPTION = re.compile(r"^(--(?:[\w]+\.)*ip)=(.*)$")
IP_FLAG = re.compile(r"^--(?:[\w]+\.)*ip$")


def rewrite_ip_args(argv: list[str], ip: str) -> list[str]:
    """``--ip=0.0.0.0``, ``--ip 0.0.0.0``, ``--ServerApp.ip=*`` ... pointed at the pod's address."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        m = IP_OPTION.match(arg)
        if m and m.group(2).strip("[]'\"") in WILDCARD_HOSTS:
            arg = f"{m.group(1)}={ip}"
        elif i > 0 and IP_FLAG.match(argv[i - 1]) and arg.strip("[]'\"") in WILDCARD_HOSTS:
            arg = ip
        out.append(arg)
    return out


@dataclass
class PodRuntime:
    """What the node agent keeps for one pod."""

    key: tuple[str, str]
    process: asyncio.subprocess.Process | None = None
    task: asyncio.Task[None] | None = None
    exited: asyncio.Event = field(default_factory=asyncio.Event)
    deleting: bool = False
    restarts: int = 0
    pids: list[int] = field(default_factory=list)


class Kubelet:
    """Runs each pod's first container as a local process and reports its status."""

    def __init__(
        self,
        store: Store,
        state_dir: Path,
        subnet: int,
        *,
        ready_on_listen: bool = False,
        crash_backoff: float = 10.0,
        step_delay: float = 0.05,
    ) -> None:
        self.store = store
        self.state_dir = state_dir
        self.subnet = subnet
        self.ready_on_listen = ready_on_listen
        self.crash_backoff = crash_backoff
        self.step_delay = step_delay
        #: the images this node has, by name: ``{"entrypoint": [...], "cmd": [...]}``
        self.images: dict[str, dict[str, list[str]]] = {}
        self.pods: dict[tuple[str, str], PodRuntime] = {}
        self._next_ip = 0
        (state_dir / "pods").mkdir(parents=True, exist_ok=True)

    # -- helpers

    def _pod(self, key: tuple[str, str]) -> dict[str, Any] | None:
        return self.store.get("pods", key[0], key[1])

    def _event(self, pod: dict[str, Any], reason: str, message: str, kind: str = "Normal") -> None:
        meta = pod["metadata"]
        stamp = now_rfc3339()
        component = "default-scheduler" if reason == "Scheduled" else "kubelet"
        event = {
            "metadata": {"name": f"{meta['name']}.{secrets.token_hex(8)}"},
            "involvedObject": {
                "kind": "Pod",
                "namespace": meta["namespace"],
                "name": meta["name"],
                "uid": meta["uid"],
                "apiVersion": "v1",
                "resourceVersion": meta["resourceVersion"],
                **(
                    {}
                    if reason == "Scheduled"
                    else {"fieldPath": f"spec.containers{{{self._main(pod)['name']}}}"}
                ),
            },
            "reason": reason,
            "message": message,
            "source": {"component": component, **({} if component != "kubelet" else {"host": NODE_NAME})},
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
            "type": kind,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": NODE_NAME if component == "kubelet" else "",
        }
        self.store.create("events", meta["namespace"], event)

    @staticmethod
    def _main(pod: dict[str, Any]) -> dict[str, Any]:
        containers: list[dict[str, Any]] = pod["spec"]["containers"]
        return containers[0]

    def _ports(self, pod: dict[str, Any]) -> list[int]:
        return [p["containerPort"] for c in pod["spec"]["containers"] for p in c.get("ports") or []]

    def _allocate_ip(self, ports: list[int]) -> str:
        for _ in range(65000):
            self._next_ip += 1
            x, y = divmod(self._next_ip, 254)
            ip = f"127.{self.subnet}.{x % 256}.{y + 1}"
            if all(_bindable(ip, port) for port in ports):
                return ip
        raise RuntimeError("no free pod address")

    def _container_status(
        self, container: dict[str, Any], state: dict[str, Any], ready: bool
    ) -> dict[str, Any]:
        image = container.get("image", "")
        return {
            "name": container["name"],
            "image": image,
            "imageID": f"standin://{image}",
            "containerID": f"standin://{secrets.token_hex(16)}",
            "ready": ready,
            "started": "running" in state,
            "restartCount": 0,
            "state": state,
            "lastState": {},
        }

    @staticmethod
    def _conditions(pod: dict[str, Any], **values: bool) -> None:
        conditions = {c["type"]: c for c in pod["status"].setdefault("conditions", [])}
        for kind, value in values.items():
            want = "True" if value else "False"
            current = conditions.get(kind)
            if current is None:
                current = {"type": kind, "lastProbeTime": None}
                pod["status"]["conditions"].append(current)
            if current.get("status") != want:
                current["status"] = want
                current["lastTransitionTime"] = now_rfc3339()

    # -- life cycle

    @staticmethod
    def prepare(pod: dict[str, Any]) -> None:
        """A pod about to be stored: the defaults the API server fills in, a pending status."""
        spec = pod.setdefault("spec", {})
        spec.setdefault("restartPolicy", "Always")
        spec.setdefault("terminationGracePeriodSeconds", 30)
        spec.setdefault("schedulerName", "default-scheduler")
        spec.setdefault("dnsPolicy", "ClusterFirst")
        pod["status"] = {"phase": "Pending", "qosClass": "BestEffort"}

    def admit(self, pod: dict[str, Any]) -> None:
        """A stored pod: start the task that schedules and runs it."""
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        runtime = PodRuntime(key)
        self.pods[key] = runtime
        runtime.task = asyncio.get_running_loop().create_task(self._run(runtime))

    async def _run(self, runtime: PodRuntime) -> None:
        try:
            await self._run_pod(runtime)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # keep the stand-in up; the pod says what happened
            pod = self._pod(runtime.key)
            if pod is not None:
                self._event(pod, "Failed", f"stand-in node agent: {e!r}", "Warning")

    async def _run_pod(self, runtime: PodRuntime) -> None:
        store = self.store
        await asyncio.sleep(self.step_delay)
        pod = self._pod(runtime.key)
        if pod is None or runtime.deleting:
            return

        def schedule(p: dict[str, Any]) -> None:
            p["spec"]["nodeName"] = NODE_NAME
            self._conditions(p, PodScheduled=True)

        store.update(pod, schedule)
        self._event(
            pod, "Scheduled", f"Successfully assigned {runtime.key[0]}/{runtime.key[1]} to {NODE_NAME}"
        )
        await asyncio.sleep(self.step_delay)
        if self._pod(runtime.key) is None or runtime.deleting:
            return
        ip = self._allocate_ip(self._ports(pod))
        containers = pod["spec"]["containers"]

        def address(p: dict[str, Any]) -> None:
            status = p["status"]
            status.update(hostIP=NODE_IP, hostIPs=[{"ip": NODE_IP}], podIP=ip, podIPs=[{"ip": ip}])
            status["startTime"] = now_rfc3339()
            self._conditions(
                p, PodReadyToStartContainers=True, Initialized=True, Ready=False, ContainersReady=False
            )
            status["containerStatuses"] = [
                self._container_status(c, {"waiting": {"reason": "ContainerCreating"}}, False)
                for c in containers
            ]

        store.update(pod, address)
        main = self._main(pod)
        if not await self._pull(runtime, main):
            return
        self._event(pod, "Pulled", f'Container image "{main.get("image", "")}" already present on machine')
        backoff = self.crash_backoff
        while True:
            self._event(pod, "Created", f"Created container {main['name']}")
            try:
                process = await self._spawn(pod, ip, runtime)
            except OSError as e:
                self._event(
                    pod, "Failed", f"Error: failed to start container {main['name']!r}: {e}", "Warning"
                )
                code, reason, started = 128, "StartError", now_rfc3339()
            else:
                runtime.process = process
                runtime.pids.append(process.pid)
                started = now_rfc3339()
                self._event(pod, "Started", f"Started container {main['name']}")
                probe = main.get("readinessProbe")
                ready_later = bool(probe) or self.ready_on_listen

                def running(p: dict[str, Any], ready: bool = not ready_later, started: str = started) -> None:
                    p["status"]["phase"] = "Running"
                    statuses = p["status"]["containerStatuses"]
                    for i, c in enumerate(containers):
                        state = {"running": {"startedAt": started}}
                        previous = statuses[i]
                        statuses[i] = self._container_status(c, state, ready or i > 0)
                        statuses[i]["restartCount"] = previous.get("restartCount", 0)
                        statuses[i]["lastState"] = previous.get("lastState", {})
                    self._conditions(p, Ready=ready, ContainersReady=ready)

                store.update(pod, running)
                if ready_later:
                    port = _probe_port(probe) or (self._ports(pod) or [0])[0]
                    waiter = asyncio.ensure_future(process.wait())
                    while not waiter.done() and not runtime.deleting:
                        if await _accepts(ip, port):
                            store.update(pod, lambda p: running(p, True))
                            break
                        await asyncio.wait([waiter], timeout=0.05)
                returncode = await process.wait()
                runtime.exited.set()
                if runtime.deleting or self._pod(runtime.key) is None:
                    return
                code = returncode if returncode >= 0 else 128 - returncode
                reason = "Completed" if code == 0 else "Error"
            terminated = {
                "exitCode": code,
                "reason": reason,
                "startedAt": started,
                "finishedAt": now_rfc3339(),
                "containerID": f"standin://{secrets.token_hex(16)}",
            }
            policy = pod["spec"].get("restartPolicy", "Always")
            restart = policy == "Always" or (policy == "OnFailure" and code != 0)
            if not restart:

                def terminate(
                    p: dict[str, Any], code: int = code, terminated: dict[str, Any] = terminated
                ) -> None:
                    p["status"]["phase"] = "Succeeded" if code == 0 else "Failed"
                    status = p["status"]["containerStatuses"][0]
                    status.update(state={"terminated": terminated}, ready=False, started=False)
                    self._conditions(p, Ready=False, ContainersReady=False)

                store.update(pod, terminate)
                return

            def crashed(
                p: dict[str, Any], backoff: float = backoff, terminated: dict[str, Any] = terminated
            ) -> None:
                status = p["status"]["containerStatuses"][0]
                message = (
                    f"back-off {backoff:g}s restarting failed container={main['name']} pod={runtime.key[1]}"
                )
                status.update(
                    state={"waiting": {"reason": "CrashLoopBackOff", "message": message}},
                    lastState={"terminated": terminated},
                    ready=False,
                    started=False,
                    restartCount=status.get("restartCount", 0) + 1,
                )
                self._conditions(p, Ready=False, ContainersReady=False)

            store.update(pod, crashed)
            self._event(pod, "BackOff", "Back-off restarting failed container", "Warning")
            runtime.restarts += 1
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            if runtime.deleting or self._pod(runtime.key) is None:
                return
            runtime.exited = asyncio.Event()

    async def _pull(self, runtime: PodRuntime, container: dict[str, Any]) -> bool:
        """Wait until the container's image is one this node has, reporting each failed
        pull as a kubelet does; False if the pod went away meanwhile."""
        image = container.get("image", "")
        backoff = self.crash_backoff
        while image not in self.images:
            pod = self._pod(runtime.key)
            if pod is None or runtime.deleting:
                return False
            self._event(pod, "Pulling", f'Pulling image "{image}"')
            await asyncio.sleep(self.step_delay)
            pod = self._pod(runtime.key)
            if pod is None or runtime.deleting:
                return False
            if image in self.images:
                break
            failure = (
                f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": '
                f'failed to resolve reference "{image}": not found'
            )
            self._waiting(pod, container, "ErrImagePull", failure)
            self._event(pod, "Failed", f'Failed to pull image "{image}": {failure}', "Warning")
            self._event(pod, "Failed", "Error: ErrImagePull", "Warning")
            await asyncio.sleep(self.step_delay)
            pod = self._pod(runtime.key)
            if pod is None or runtime.deleting:
                return False
            self._waiting(pod, container, "ImagePullBackOff", f'Back-off pulling image "{image}"')
            self._event(pod, "BackOff", f'Back-off pulling image "{image}"')
            self._event(pod, "Failed", "Error: ImagePullBackOff", "Warning")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
        return True

    def _waiting(self, pod: dict[str, Any], container: dict[str, Any], reason: str, message: str) -> None:
        def wait(p: dict[str, Any]) -> None:
            for status in p["status"].get("containerStatuses") or []:
                if status["name"] == container["name"]:
                    status["state"] = {"waiting": {"reason": reason, "message": message}}
                    status["imageID"] = ""

        self.store.update(pod, wait)

    def argv_of(self, container: dict[str, Any]) -> list[str]:
        """What a container runtime runs for ``container`` on an image this node has."""
        image = self.images[container.get("image", "")]
        command = container.get("command")
        args = container.get("args")
        if command:
            return list(command) + list(args or [])
        return list(image["entrypoint"]) + list(args if args else image["cmd"])

    async def _spawn(self, pod: dict[str, Any], ip: str, runtime: PodRuntime) -> asyncio.subprocess.Process:
        main = self._main(pod)
        env: dict[str, str] = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOSTNAME": pod["metadata"]["name"],
        }
        for var in main.get("env") or []:
            if "value" in var and var["value"] is not None:
                env[var["name"]] = expand_references(str(var["value"]), env)
        if "JUPYTERHUB_SERVICE_URL" in env:
            env["JUPYTERHUB_SERVICE_URL"] = rewrite_service_url(env["JUPYTERHUB_SERVICE_URL"], ip)
        argv = [expand_references(a, env) for a in self.argv_of(main)]
        if not argv:
            raise FileNotFoundError(
                f"image {main.get('image')!r} has no entrypoint or CMD and the container sets no"
                " command or args: no command specified"
            )
        argv = rewrite_ip_args(argv, ip)
        name = f"{runtime.key[0]}_{runtime.key[1]}"
        workdir = main.get("workingDir")
        if not workdir or not os.path.isdir(workdir):
            workdir = str(self.state_dir / "pods" / name)
            os.makedirs(workdir, exist_ok=True)
        log = open(self.state_dir / "pods" / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        try:
            return await asyncio.create_subprocess_exec(
                *argv,
                env=env,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_set_parent_death_signal,
            )
        finally:
            log.close()

    async def kill(self, key: tuple[str, str], grace: float) -> None:
        """SIGTERM the pod's process group, SIGKILL after ``grace`` seconds, wait for it to exit."""
        runtime = self.pods.get(key)
        if runtime is None:
            return
        runtime.deleting = True
        process = runtime.process
        if process is not None and process.returncode is None:
            _signal_group(process.pid, signal.SIGTERM if grace > 0 else signal.SIGKILL)
            try:
                await asyncio.wait_for(process.wait(), grace if grace > 0 else 5)
            except TimeoutError:
                _signal_group(process.pid, signal.SIGKILL)
                await process.wait()
        if process is not None:
            _signal_group(process.pid, signal.SIGKILL)  # whatever the process left in its group
        if runtime.task is not None and runtime.task is not asyncio.current_task():
            runtime.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await runtime.task
        self.pods.pop(key, None)

    def has_process(self, key: tuple[str, str]) -> bool:
        runtime = self.pods.get(key)
        return bool(runtime and runtime.process and runtime.process.returncode is None)

    def signal(self, key: tuple[str, str], signum: int) -> int:
        runtime = self.pods.get(key)
        if runtime is None or runtime.process is None or runtime.process.returncode is not None:
            raise ApiError(404, f"pod {key[0]}/{key[1]} has no running process")
        os.kill(runtime.process.pid, signum)
        return runtime.process.pid

    async def shutdown(self) -> None:
        await asyncio.gather(*(self.kill(key, 0) for key in list(self.pods)))


def _probe_port(probe: dict[str, Any] | None) -> int | None:
    if not probe:
        return None
    for kind in ("tcpSocket", "httpGet"):
        port = (probe.get(kind) or {}).get("port")
        if isinstance(port, int):
            return port
    return None


def _bindable(ip: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((ip, port))
        except OSError:
            return False
    return True


async def _accepts(ip: str, port: int) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(ip, port), 1)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    return True


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


# ---------------------------------------------------------------- the API server


def create_app(
    state_dir: Path, token: str, namespaces: list[str], subnet: int, **kubelet_options: Any
) -> Any:
    """The Starlette app: the Kubernetes API subset and the ``/_standin`` controls."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
    from starlette.routing import Route

    store = Store()
    kubelet = Kubelet(store, state_dir, subnet, **kubelet_options)
    faults: list[Fault] = []
    requests: list[dict[str, Any]] = []
    for ns in namespaces:
        store.create("namespaces", "", {"metadata": {"name": ns}, "status": {"phase": "Active"}})

    def answer(obj: Any, status: int = 200) -> Response:
        return JSONResponse(_public(obj) if isinstance(obj, dict) and "metadata" in obj else obj, status)

    def failure(error: ApiError) -> Response:
        return JSONResponse(error.body, error.code)

    def plural_of(request: Request, across_namespaces: bool = False) -> str:
        """The kind in the path; namespaced kinds only under a namespace, but for listing them all."""
        plural: str = request.path_params["plural"]
        namespaced = "namespace" in request.path_params
        if plural not in KINDS or (
            KINDS[plural][1] != namespaced and not (across_namespaces and KINDS[plural][1])
        ):
            raise ApiError(404, "the server could not find the requested resource")
        return plural

    def namespace_exists(ns: str) -> None:
        if store.get("namespaces", "", ns) is None:
            raise ApiError(404, f'namespaces "{ns}" not found', name=ns, kind="namespaces")

    def flag(request: Request, name: str) -> bool:
        return request.query_params.get(name, "").lower() in ("true", "1")

    async def api(request: Request, handler: Callable[[Request], Awaitable[Response]]) -> Response:
        control = bool(request.headers.get(CONTROL_HEADER))
        if not control:
            requests.append(
                {"method": request.method, "path": request.url.path, "query": dict(request.query_params)}
            )
        if request.headers.get("authorization") != f"Bearer {token}":
            return failure(ApiError(401, "Unauthorized"))
        for fault in [] if control else faults:
            if fault.count > 0 and fault.matches(request.method, request.url.path):
                fault.count -= 1
                if fault.hang:
                    await asyncio.sleep(fault.hang)
                    return failure(ApiError(504, "the stand-in held this request (injected hang)"))
                return failure(ApiError(fault.status, fault.message))
        try:
            return await handler(request)
        except ApiError as e:
            return failure(e)

    def route(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await api(request, handler)

        return endpoint

    async def collection(request: Request) -> Response:
        plural = plural_of(request, across_namespaces=request.method == "GET")
        namespace = request.path_params.get("namespace")
        if request.method == "POST":
            if plural != "namespaces":
                namespace_exists(namespace or "")
            try:
                obj = json.loads(await request.body())
                assert isinstance(obj, dict)
            except (ValueError, AssertionError):
                raise ApiError(400, "the request body is not a JSON object") from None
            if plural == "pods":
                containers = (obj.get("spec") or {}).get("containers") or []
                if not containers or not all(c.get("name") and c.get("image") for c in containers):
                    raise ApiError(
                        422, "Pod is invalid: spec.containers: every container needs a name and an image"
                    )
                kubelet.prepare(obj)
            if plural == "namespaces":
                obj["status"] = {"phase": "Active"}
            stored = store.create(plural, namespace or "", obj)
            if plural == "pods":
                kubelet.admit(stored)
            return answer(stored, 201)
        selector = Selector.parse(
            request.query_params.get("labelSelector", ""), request.query_params.get("fieldSelector", "")
        )
        if flag(request, "watch"):
            timeout = float(request.query_params.get("timeoutSeconds") or 1800)
            rv = request.query_params.get("resourceVersion") or ""
            return StreamingResponse(
                watch(plural, namespace, selector, rv, timeout), media_type="application/json"
            )
        items = [_public(o) for o in store.list(plural, namespace, selector)]
        kind = KINDS[plural][0]
        return answer(
            {
                "kind": f"{kind}List",
                "apiVersion": "v1",
                "metadata": {"resourceVersion": str(store.rv)},
                "items": items,
            }
        )

    async def watch(
        plural: str, namespace: str | None, selector: Selector, rv: str, timeout: float
    ) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[Change] = asyncio.Queue()
        store.watchers.add(queue)
        try:
            if rv in ("", "0"):
                sent = store.rv
                backlog = [
                    {"type": "ADDED", "object": _public(o)} for o in store.list(plural, namespace, selector)
                ]
            else:
                try:
                    sent = int(rv)
                except ValueError:
                    sent = -1
                if sent < store.compacted:
                    gone = status_body(
                        410, "Expired", f"too old resource version: {rv} ({store.compacted + 1})"
                    )
                    yield (json.dumps({"type": "ERROR", "object": gone}) + "\n").encode()
                    return
                backlog = [
                    e for c in store.history if c.rv > sent if (e := c.event_for(plural, namespace, selector))
                ]
                sent = store.rv
            for event in backlog:
                yield (json.dumps(event) + "\n").encode()
            deadline = time.monotonic() + timeout
            while (remaining := deadline - time.monotonic()) > 0:
                try:
                    change = await asyncio.wait_for(queue.get(), remaining)
                except TimeoutError:
                    break
                if change.rv <= sent:
                    continue
                sent = change.rv
                event = change.event_for(plural, namespace, selector)
                if event is not None:
                    yield (json.dumps(event) + "\n").encode()
        finally:
            store.watchers.discard(queue)

    async def item(request: Request) -> Response:
        plural = plural_of(request)
        namespace = request.path_params.get("namespace", "")
        name = request.path_params["name"]
        obj = store.get(plural, namespace, name)
        if obj is None:
            raise ApiError(404, f'{plural} "{name}" not found', name=name, kind=plural)
        if request.method == "GET":
            return answer(obj)
        if request.method != "DELETE":
            raise ApiError(405, f"the stand-in does not support {request.method} on {plural}")
        grace: Any = request.query_params.get("gracePeriodSeconds")
        if grace is None:
            with contextlib.suppress(ValueError, AttributeError):
                grace = json.loads(await request.body() or b"{}").get("gracePeriodSeconds")
        if plural != "pods":
            store.remove(obj)
            return answer(obj)
        key = (namespace, name)
        if grace is None:
            grace = obj["spec"].get("terminationGracePeriodSeconds", 30)
        grace = max(0, int(grace))
        if grace == 0 or not kubelet.has_process(key):
            await kubelet.kill(key, 0)
            store.remove(obj)
            return answer(obj)
        if "deletionTimestamp" not in obj["metadata"]:

            def mark(p: dict[str, Any]) -> None:
                p["metadata"]["deletionTimestamp"] = in_rfc3339(grace)
                p["metadata"]["deletionGracePeriodSeconds"] = grace

            store.update(obj, mark)
            kubelet._event(obj, "Killing", f"Stopping container {kubelet._main(obj)['name']}")
            asyncio.get_running_loop().create_task(finish_deletion(obj, key, grace))
        return answer(obj)

    async def finish_deletion(obj: dict[str, Any], key: tuple[str, str], grace: int) -> None:
        runtime = kubelet.pods.get(key)
        process = runtime.process if runtime else None
        started = (obj["status"].get("containerStatuses") or [{}])[0].get("state", {}).get("running", {})
        await kubelet.kill(key, grace)
        if process is not None and process.returncode is not None:
            code = process.returncode if process.returncode >= 0 else 128 - process.returncode
            terminated = {
                "exitCode": code,
                "reason": "Completed" if code == 0 else "Error",
                "startedAt": started.get("startedAt"),
                "finishedAt": now_rfc3339(),
            }

            def stopped(p: dict[str, Any]) -> None:
                status = p["status"]["containerStatuses"][0]
                status.update(state={"terminated": terminated}, ready=False, started=False)
                Kubelet._conditions(p, Ready=False, ContainersReady=False)

            store.update(obj, stopped)
        store.remove(obj)

    async def pod_log(request: Request) -> Response:
        ns, name = request.path_params["namespace"], request.path_params["name"]
        if store.get("pods", ns, name) is None:
            raise ApiError(404, f'pods "{name}" not found', name=name, kind="pods")
        path = state_dir / "pods" / f"{ns}_{name}.log"
        return PlainTextResponse(path.read_text(errors="replace") if path.exists() else "")

    async def version(request: Request) -> Response:
        return answer(
            {"major": "1", "minor": "30", "gitVersion": "v1.30.0-standin", "platform": "linux/amd64"}
        )

    async def api_versions(request: Request) -> Response:
        return answer({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []})

    async def not_found(request: Request) -> Response:
        raise ApiError(404, "the server could not find the requested resource")

    # -- controls

    async def control_state(request: Request) -> Response:
        pods = []
        for (ns, name), runtime in kubelet.pods.items():
            process = runtime.process
            pods.append(
                {
                    "namespace": ns,
                    "name": name,
                    "pid": process.pid if process else None,
                    "alive": bool(process and process.returncode is None),
                    "pids": runtime.pids,
                    "restarts": runtime.restarts,
                }
            )
        return JSONResponse({"resourceVersion": store.rv, "compacted": store.compacted, "pods": pods})

    async def control_faults(request: Request) -> Response:
        if request.method == "DELETE":
            faults.clear()
        else:
            body = json.loads(await request.body())
            faults.append(Fault(**body))
        return JSONResponse([f.__dict__ for f in faults if f.count > 0])

    async def control_compact(request: Request) -> Response:
        store.compact()
        return JSONResponse({"compacted": store.compacted})

    async def control_signal(request: Request) -> Response:
        body = json.loads(await request.body())
        try:
            pid = kubelet.signal(
                (request.path_params["namespace"], request.path_params["name"]), int(body["signal"])
            )
        except ApiError as e:
            return failure(e)
        return JSONResponse({"pid": pid})

    async def control_requests(request: Request) -> Response:
        if request.method == "DELETE":
            requests.clear()
        return JSONResponse(requests)

    async def control_images(request: Request) -> Response:
        for image, spec in json.loads(await request.body()).items():
            kubelet.images[image] = {
                "entrypoint": list(spec.get("entrypoint") or []),
                "cmd": list(spec.get("cmd") or []),
            }
        return JSONResponse(kubelet.images)

    async def control_node(request: Request) -> Response:
        body = json.loads(await request.body())
        for key in ("crash_backoff", "ready_on_listen", "step_delay"):
            if key in body:
                setattr(kubelet, key, type(getattr(kubelet, key))(body[key]))
        return JSONResponse(
            {k: getattr(kubelet, k) for k in ("crash_backoff", "ready_on_listen", "step_delay")}
        )

    async def control_shutdown(request: Request) -> Response:
        await kubelet.shutdown()
        return JSONResponse({})

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        yield
        await kubelet.shutdown()

    ns_collection = "/api/v1/namespaces/{namespace}/{plural}"
    app = Starlette(
        routes=[
            Route("/_standin/state", control_state),
            Route("/_standin/faults", control_faults, methods=["POST", "DELETE"]),
            Route("/_standin/compact", control_compact, methods=["POST"]),
            Route("/_standin/pods/{namespace}/{name}/signal", control_signal, methods=["POST"]),
            Route("/_standin/requests", control_requests, methods=["GET", "DELETE"]),
            Route("/_standin/images", control_images, methods=["POST"]),
            Route("/_standin/node", control_node, methods=["POST"]),
            Route("/_standin/shutdown", control_shutdown, methods=["POST"]),
            Route("/version", route(version)),
            Route("/api", route(api_versions)),
            Route("/api/v1/namespaces/{namespace}/pods/{name}/log", route(pod_log)),
            Route(ns_collection, route(collection), methods=["GET", "POST"]),
            Route(ns_collection + "/{name}", route(item), methods=["GET", "DELETE", "PUT", "PATCH"]),
            Route("/api/v1/{plural}", route(collection), methods=["GET", "POST"]),
            Route("/api/v1/{plural}/{name}", route(item), methods=["GET", "DELETE", "PUT", "PATCH"]),
            Route("/{path:path}", route(not_found), methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ],
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.kubelet = kubelet
    return app


def default_subnet() -> int:
    """The second octet of the pod addresses: per pytest-xdist worker, else random (never 0)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and worker[2:].isdigit():
        return 100 + int(worker[2:]) % 150
    return random.randint(10, 99)


def main(argv: list[str] | None = None) -> None:
    """Serve the stand-in on 127.0.0.1 (port 0: any free one), writing the port to ``<state dir>/port``."""
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--namespace", action="append", default=[])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--subnet", type=int, default=0)
    parser.add_argument("--ready-on-listen", action="store_true")
    parser.add_argument("--crash-backoff", type=float, default=10.0)
    args = parser.parse_args(argv)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(
        args.state_dir,
        args.token,
        args.namespace or ["default"],
        args.subnet or default_subnet(),
        ready_on_listen=args.ready_on_listen,
        crash_backoff=args.crash_backoff,
    )
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1, lifespan="on")
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        (args.state_dir / "port.tmp").write_text(str(port))
        os.replace(args.state_dir / "port.tmp", args.state_dir / "port")
        await task

    asyncio.run(serve())


# ---------------------------------------------------------------- the test-side handle


class KubeCluster:
    """A running stand-in: where it is, what it runs, and its fault controls.

    ``delete_pod`` goes through the Kubernetes API, as ``kubectl delete pod``
    would; the other methods use the ``/_standin`` controls. No request of
    this handle is ever hit by an injected fault.
    """

    def __init__(
        self, process: subprocess.Popen[bytes], state_dir: Path, port: int, token: str, namespace: str
    ) -> None:
        self.process = process
        self.state_dir = state_dir
        self.port = port
        self.token = token
        self.namespace = namespace
        self.api_url = f"http://127.0.0.1:{port}"
        self.kubeconfig = state_dir / "kubeconfig"
        self.log_path = state_dir / "standin.log"
        self.client = httpx.Client(
            base_url=self.api_url,
            headers={"Authorization": f"Bearer {token}", CONTROL_HEADER: "1"},
            timeout=30,
        )
        self._known_pids: set[int] = set()

    # -- reading

    def _path(self, plural: str, namespace: str | None) -> str:
        ns = self.namespace if namespace is None else namespace
        return f"/api/v1/namespaces/{ns}/{plural}" if ns else f"/api/v1/{plural}"

    def pods(self, namespace: str | None = None, label_selector: str = "") -> list[dict[str, Any]]:
        """The pods (of the fixture's namespace; ``""`` for all), as the API lists them."""
        r = self.client.get(self._path("pods", namespace), params={"labelSelector": label_selector})
        r.raise_for_status()
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    def pod(self, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        r = self.client.get(f"{self._path('pods', namespace)}/{name}")
        if r.status_code == 404:
            return None
        r.raise_for_status()
        pod: dict[str, Any] = r.json()
        return pod

    def events(self, pod_name: str | None = None, namespace: str | None = None) -> list[dict[str, Any]]:
        params = {"fieldSelector": f"involvedObject.name={pod_name}"} if pod_name else {}
        r = self.client.get(self._path("events", namespace), params=params)
        r.raise_for_status()
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    def pod_log(self, name: str, namespace: str | None = None) -> str:
        return self.client.get(f"{self._path('pods', namespace)}/{name}/log").text

    def state(self) -> dict[str, Any]:
        """The node agent's view: each pod's process (``pid``, ``alive``, all ``pids``, ``restarts``)."""
        state: dict[str, Any] = self.client.get("/_standin/state").json()
        for pod in state["pods"]:
            self._known_pids.update(pod["pids"])
        return state

    def pod_pid(self, name: str, namespace: str | None = None) -> int | None:
        ns = self.namespace if namespace is None else namespace
        for pod in self.state()["pods"]:
            if (pod["namespace"], pod["name"]) == (ns, name):
                pid: int | None = pod["pid"]
                return pid
        return None

    def requests(self, clear: bool = False) -> list[dict[str, Any]]:
        """Every Kubernetes API request received so far (method, path, query), oldest first."""
        r = self.client.request("DELETE" if clear else "GET", "/_standin/requests")
        found: list[dict[str, Any]] = r.json()
        return found

    # -- acting

    def delete_pod(self, name: str, grace_seconds: int = 0, namespace: str | None = None) -> None:
        """Delete a pod behind the spawner's back (its process is killed, watchers get ``DELETED``)."""
        r = self.client.delete(
            f"{self._path('pods', namespace)}/{name}", params={"gracePeriodSeconds": grace_seconds}
        )
        r.raise_for_status()

    def signal_pod(self, name: str, signum: int = signal.SIGKILL, namespace: str | None = None) -> int:
        """Send a signal to a pod's process (a crash: the node agent reports the exit). Returns its pid."""
        ns = self.namespace if namespace is None else namespace
        r = self.client.post(f"/_standin/pods/{ns}/{name}/signal", json={"signal": int(signum)})
        r.raise_for_status()
        pid: int = r.json()["pid"]
        return pid

    def map_image(self, image: str, entrypoint: list[str], cmd: list[str] | None = None) -> None:
        """Make ``image`` one the node has, with that ``ENTRYPOINT`` (which runs the ``args`` of a
        container without a ``command``) and ``CMD`` (the args of a container that sets neither)."""
        body = {image: {"entrypoint": list(entrypoint), "cmd": list(cmd or [])}}
        self.client.post("/_standin/images", json=body).raise_for_status()

    def configure_node(
        self,
        crash_backoff: float | None = None,
        ready_on_listen: bool | None = None,
        step_delay: float | None = None,
    ) -> None:
        """Change the node agent: the first restart delay of a crashed container (10 s, as a
        kubelet), readiness only once the port accepts connections, the delay between its steps."""
        body = {"crash_backoff": crash_backoff, "ready_on_listen": ready_on_listen, "step_delay": step_delay}
        self.client.post(
            "/_standin/node", json={k: v for k, v in body.items() if v is not None}
        ).raise_for_status()

    def fail_next(
        self, count: int = 1, status: int = 500, method: str = "", path: str = "", message: str = ""
    ) -> None:
        """The next ``count`` API requests (of ``method``, whose path contains ``path``) answer ``status``."""
        body = {"count": count, "status": status, "method": method, "path": path}
        if message:
            body["message"] = message
        self.client.post("/_standin/faults", json=body).raise_for_status()

    def hang_next(self, count: int = 1, seconds: float = 60, method: str = "", path: str = "") -> None:
        """The next ``count`` matching API requests get no answer for ``seconds`` (then a 504)."""
        body = {"count": count, "hang": seconds, "method": method, "path": path}
        self.client.post("/_standin/faults", json=body).raise_for_status()

    def clear_faults(self) -> None:
        self.client.delete("/_standin/faults").raise_for_status()

    def compact(self) -> None:
        """Forget the change history: a watch from any version seen so far gets 410 Gone."""
        self.client.post("/_standin/compact").raise_for_status()

    def kill(self) -> None:
        """Kill the API server outright (SIGKILL); its pods' processes die with it."""
        with contextlib.suppress(httpx.HTTPError):
            self.state()
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        """Kill every pod's process, stop the API server, and make sure nothing it started survives."""
        if self.process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                self.state()
                self.client.post("/_standin/shutdown", timeout=15)
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.client.close()
        for pid in self._known_pids:
            _signal_group(pid, signal.SIGKILL)

    def spawner_config(self, **kubespawner: Any) -> Any:
        """A traitlets ``Config`` pointing ``KubeSpawner`` at this stand-in (see :func:`kube_cluster`)."""
        from traitlets.config import Config

        c = Config()
        c.KubeSpawner.k8s_api_host = self.api_url
        c.KubeSpawner.namespace = self.namespace
        c.KubeSpawner.image = SINGLEUSER_IMAGE
        c.KubeSpawner.cmd = [sys.executable, str(STANDIN_SERVER)]
        c.KubeSpawner.start_timeout = 30
        for key, value in kubespawner.items():
            setattr(c.KubeSpawner, key, value)
        return c


def write_kubeconfig(path: Path, api_url: str, token: str, namespace: str) -> None:
    """A kubeconfig with one cluster, user and context (JSON is valid YAML)."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "standin", "cluster": {"server": api_url}}],
        "users": [{"name": "standin", "user": {"token": token}}],
        "contexts": [
            {"name": "standin", "context": {"cluster": "standin", "user": "standin", "namespace": namespace}}
        ],
        "current-context": "standin",
    }
    path.write_text(json.dumps(config, indent=2))


def start_kube_standin(
    state_dir: Path,
    namespace: str = DEFAULT_NAMESPACE,
    *,
    ready_on_listen: bool = False,
    crash_backoff: float = 10.0,
    timeout: float = 20,
) -> KubeCluster:
    """Start the stand-in as a subprocess (``python -m tests.helpers.kube_standin``) and wait for it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "port").unlink(missing_ok=True)
    token = secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "tests.helpers.kube_standin",
        "--state-dir",
        str(state_dir),
        "--token",
        token,
    ]
    cmd += ["--namespace", "default", "--namespace", namespace, "--crash-backoff", str(crash_backoff)]
    if ready_on_listen:
        cmd.append("--ready-on-listen")
    log = open(state_dir / "standin.log", "ab")  # noqa: SIM115 (the child keeps it)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
    try:
        process = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    finally:
        log.close()
    deadline = time.monotonic() + timeout
    port_file = state_dir / "port"
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(
                "the Kubernetes stand-in did not start:\n"
                + (state_dir / "standin.log").read_text(errors="replace")
            )
        time.sleep(0.02)
    cluster = KubeCluster(process, state_dir, int(port_file.read_text()), token, namespace)
    write_kubeconfig(cluster.kubeconfig, cluster.api_url, token, namespace)
    cluster.map_image(SINGLEUSER_IMAGE, SINGLEUSER_ENTRYPOINT)
    return cluster


@pytest.fixture
def kube_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeCluster]:
    """A fresh Kubernetes stand-in for one test (see the module docstring).

    The handle has ``api_url``, ``kubeconfig`` (a file), ``namespace``,
    ``pods()``, ``pod(name)``, ``events()``, ``pod_pid(name)``,
    ``delete_pod(name)``, ``signal_pod(name)``, ``fail_next()``,
    ``hang_next()``, ``compact()``, ``requests()``, ``kill()`` and
    ``spawner_config()``; at teardown every pod process is killed and the
    server stopped. Under pytest-xdist each worker's tests run their own
    stand-ins, on ports and pod addresses of their own.

    Pointing KubeSpawner at it: ``KubeSpawner.__init__`` calls
    ``kubespawner.clients.load_config(k8s_api_host, ...)`` once per set of
    arguments (an ``lru_cache``), which loads the in-cluster config or else
    the kubeconfig named by ``KUBECONFIG`` (``~/.kube/config``), then
    replaces the host with ``k8s_api_host`` if that is set. So:

    * a hub run as a process of its own needs only ``KUBECONFIG=<kubeconfig>``
      in its environment and ``c.KubeSpawner.namespace = <namespace>``
      (KubeSpawner does not read the kubeconfig's namespace);
    * in the test process two caches are in the way: ``kubernetes_asyncio``
      reads ``KUBECONFIG`` once, when it is imported
      (``kube_config.KUBE_CONFIG_DEFAULT_LOCATION``), and ``load_config``
      may already have run for an earlier stand-in. This fixture sets
      ``KUBECONFIG`` *and* that module constant for the test, and clears
      ``load_config``'s cache; :meth:`KubeCluster.spawner_config` also sets
      ``c.KubeSpawner.k8s_api_host = api_url`` (which wins over the
      kubeconfig's server), the namespace, the image (:data:`SINGLEUSER_IMAGE`,
      which every stand-in's node has, with :data:`SINGLEUSER_ENTRYPOINT`) and
      ``cmd`` (the stand-in server, tests/helpers/standin_server.py). Any other
      image must be given to the node with :meth:`KubeCluster.map_image`, or
      its pods wait in ``ImagePullBackOff``.
    """
    from kubernetes_asyncio.config import kube_config

    state_dir = tmp_path_factory.mktemp("kube")
    cluster = start_kube_standin(state_dir)
    previous_env = os.environ.get("KUBECONFIG")
    previous_default = kube_config.KUBE_CONFIG_DEFAULT_LOCATION
    os.environ["KUBECONFIG"] = str(cluster.kubeconfig)
    kube_config.KUBE_CONFIG_DEFAULT_LOCATION = str(cluster.kubeconfig)
    _clear_kubespawner_config_cache()
    try:
        yield cluster
    finally:
        cluster.stop()
        if previous_env is None:
            os.environ.pop("KUBECONFIG", None)
        else:
            os.environ["KUBECONFIG"] = previous_env
        kube_config.KUBE_CONFIG_DEFAULT_LOCATION = previous_default
        _clear_kubespawner_config_cache()


def _clear_kubespawner_config_cache() -> None:
    with contextlib.suppress(ImportError):
        from kubespawner.clients import load_config

        load_config.cache_clear()


# ---------------------------------------------------------------- KubeSpawner outside a hub


def build_kube_spawner(
    cluster: KubeCluster, username: str = "alice", config: Any = None, spawner_class: Any = None
) -> Any:
    """A ``KubeSpawner`` for ``username``'s default server, built as a hub would (in a running loop:
    KubeSpawner's API client belongs to the loop it is made in).""

    Built by tests/helpers/batchspawner_hub.py's ``build_spawner``; the hub URL
    in the server's environment points nowhere (KubeSpawner never calls the
    hub; the stand-in server does not either).
    """
    import kubespawner

    from tests.helpers.batchspawner_hub import build_spawner

    config = config if config is not None else cluster.spawner_config()
    return build_spawner(spawner_class or kubespawner.KubeSpawner, username, "http://127.0.0.1:9", config)


@pytest.fixture
async def make_kube_spawner(kube_cluster: KubeCluster) -> AsyncIterator[Callable[..., Any]]:
    """``make_kube_spawner(username="alice", config=None)`` -> a ``KubeSpawner``
    on :func:`kube_cluster`; at teardown KubeSpawner's shared reflectors (class-level, one per
    namespace) are stopped and forgotten, so the next test watches its own stand-in."""
    import kubespawner

    def make(username: str = "alice", config: Any = None) -> Any:
        return build_kube_spawner(kube_cluster, username, config)

    kubespawner.KubeSpawner.reflectors.clear()
    try:
        yield make
    finally:
        await kubespawner.KubeSpawner._stop_all_reflectors()
        # KubeSpawner's shared API clients close when their task is cancelled at a hub's
        # shutdown; close this loop's here, so no connection outlives the test
        from kubespawner import clients

        loop = asyncio.get_running_loop()
        for key, client in list(clients._client_cache.items()):
            if key[0] is loop:
                clients._client_cache.pop(key, None)
                await client.api_client.close()


if __name__ == "__main__":
    main()
