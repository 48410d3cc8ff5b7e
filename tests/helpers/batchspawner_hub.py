"""Just enough of a hub to run batchspawner's spawners outside one.

What a host must provide for ``SlurmSpawner.start()`` (batchspawner 1.3.0
on JupyterHub 6.1.1) to complete, learnt from its source and checked by
tests/test_slurm.py against a real Slurm cluster:

The spawner object
    Built like any JupyterHub spawner: ``user`` (``name``, ``id``,
    ``escaped_name``, ``url`` = ``/user/NAME/``, ``groups``, ``progress_url()``),
    ``hub`` (``api_url``, ``base_url`` ending in ``hub/``, ``public_host``,
    ``url``), ``db`` (only ``commit()`` is called, once ``start()`` has the
    port), ``api_token``, ``oauth_client_id``, ``public_url``,
    ``public_hub_url``, and a server (``spawner.server`` = a
    ``jupyterhub.objects.Server`` around a transient ``jupyterhub.orm.Server``
    with ``base_url`` = ``/user/NAME/``; no ``orm_spawner`` or session is
    needed). ``user.name`` must be an OS account (``pwd.getpwnam``: home,
    shell), and the jobs are submitted as it through ``exec_prefix``.

Submission
    ``exec_prefix + batch_submit_cmd`` (``sbatch --parsable``) is run with
    ``env=spawner.get_env()`` only, the batch script on stdin, and the same
    environment reaches the job through ``#SBATCH --export=<its keys>``.
    So everything the Slurm commands need (``PATH``, ``SLURM_CONF``) must be
    in ``env_keep`` or ``environment``. The job gets, from ``get_env()``:
    ``JUPYTERHUB_API_URL``, ``JUPYTERHUB_API_TOKEN`` (and ``JPY_API_TOKEN``),
    ``JUPYTERHUB_CLIENT_ID``, ``JUPYTERHUB_USER``, ``JUPYTERHUB_SERVER_NAME``,
    ``JUPYTERHUB_SERVICE_PREFIX``, ``JUPYTERHUB_SERVICE_URL``
    (``http://0.0.0.0:0/user/NAME/``: batchspawner resets ``ip`` and ``port``
    to the class defaults before submitting, whatever the config says),
    ``JUPYTERHUB_BASE_URL``, ``JUPYTERHUB_HOST``,
    ``JUPYTERHUB_OAUTH_CALLBACK_URL``, ``JUPYTERHUB_OAUTH_ACCESS_SCOPES``,
    ``JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES``, ``JUPYTERHUB_ACTIVITY_URL``,
    ``JUPYTERHUB_PUBLIC_URL``, ``JUPYTERHUB_PUBLIC_HUB_URL``, plus ``USER``,
    ``HOME``, ``SHELL`` of the account.

The port
    ``start()`` polls ``batch_query_cmd`` (``squeue -h -j ID -o '%T %B'``)
    until ``RUNNING``, takes the host from the second column (the node
    name, hence a node called ``localhost``), then waits, with no request
    of its own, until ``spawner.port`` is non-zero. In the job,
    ``batchspawner-singleuser`` picks a free port, sends

        POST {JUPYTERHUB_API_URL}/batchspawner
        Authorization: token {JUPYTERHUB_API_TOKEN}
        Content-Type: application/json
        {"port": <int>}

    (no timeout, the reply is not read, a refused connection kills the
    job), then runs ``jupyterhub-singleuser`` with that port in
    ``JUPYTERHUB_SERVICE_URL``. JupyterHub's handler (``batchspawner.api``)
    authenticates the token, finds among the token owner's spawners the one
    whose ``api_token`` equals it, and ``setattr``\\s every key of the body
    that the spawner has; it answers 200 with
    ``{"message": "BatchSpawner data configured"}``. So the host must route
    ``/hub/api/batchspawner`` to the very spawner object whose ``start()``
    is waiting (in the same process: a second hub process must forward it),
    and match it by the server's API token, not by user name alone (named
    servers). ``start()`` then calls ``db.commit()`` and returns
    ``(node, port)``.

Afterwards
    The server calls ``GET {JUPYTERHUB_API_URL}/`` (version check; a
    failure is only logged) and posts activity to
    ``JUPYTERHUB_ACTIVITY_URL``; its OAuth login needs the hub's OAuth
    endpoints, which this stand-in does not serve. ``poll()`` runs
    ``squeue``: ``None`` while pending or running, else ``1`` after
    ``clear_state()``. ``stop()`` runs ``scancel`` and polls up to 10 s.
    ``get_state()`` holds ``job_id`` and ``job_status``.

:class:`StandinHub` serves those three endpoints on a free port;
:func:`make_spawner` builds a spawner around it from facade objects
(:func:`build_spawner`, which tests/helpers/kube_standin.py also uses).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from traitlets.config import Config

from tests.helpers.slurm import free_port


@dataclass
class Post:
    """A ``POST /hub/api/batchspawner`` the stand-in received."""

    authorization: str
    body: dict[str, Any]


@dataclass
class FacadeUser:
    name: str
    id: int = 1
    groups: list[Any] = field(default_factory=list)
    spawners: dict[str, Any] = field(default_factory=dict)

    @property
    def escaped_name(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"/user/{self.name}/"

    def progress_url(self, server_name: str = "") -> str:
        return f"/hub/api/users/{self.name}/server/progress"


@dataclass
class FacadeHub:
    api_url: str
    base_url: str = "/hub/"
    public_host: str = ""

    @property
    def url(self) -> str:
        return self.api_url.rsplit("/api", 1)[0] + "/"


class FacadeDb:
    """The shared session a spawner may ``commit()``; there is nothing to save."""

    commits = 0

    def commit(self) -> None:
        self.commits += 1


class StandinHub:
    """``/hub/api/batchspawner`` (sets the port on the waiting spawner, from
    another thread, through the spawner's event loop), ``GET /hub/api/`` and
    the activity endpoint, on 127.0.0.1."""

    def __init__(self) -> None:
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/hub/api"
        self.posts: list[Post] = []
        self._spawners: dict[str, tuple[Any, asyncio.AbstractEventLoop]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def register(self, spawner: Any) -> None:
        """Route posts with ``spawner.api_token`` to ``spawner`` (call from its loop)."""
        self._spawners[spawner.api_token] = (spawner, asyncio.get_running_loop())

    def _deliver(self, token: str, body: dict[str, Any]) -> bool:
        found = self._spawners.get(token)
        if found is None:
            return False
        spawner, loop = found
        for key, value in body.items():
            if spawner.has_trait(key):
                loop.call_soon_threadsafe(setattr, spawner, key, value)
        return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-JupyterHub-Version", "6.1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/hub/api":
                    self._reply(200, {"version": "6.1.1"})
                else:
                    self._reply(404, {"status": 404, "message": "not in the stand-in"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                auth = self.headers.get("Authorization", "")
                if self.path == "/hub/api/batchspawner":
                    body = json.loads(raw)
                    hub.posts.append(Post(auth, body))
                    token = auth.removeprefix("token ").strip()
                    if hub._deliver(token, body):
                        self._reply(200, {"message": "BatchSpawner data configured"})
                    else:
                        self._reply(403, {"status": 403, "message": "no server with this token"})
                elif self.path.endswith("/activity"):
                    self._reply(200, {})
                else:
                    self._reply(404, {"status": 404, "message": "not in the stand-in"})

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> StandinHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def build_spawner(spawner_class: type[Any], username: str, public: str, config: Any) -> Any:
    """A ``spawner_class`` for ``username``'s default server, built from the
    facades as a hub would build it, with the hub at ``{public}/hub/``."""
    from jupyterhub import orm
    from jupyterhub.objects import Server

    from hub.plugins.loader import detach_jupyterhub_orm

    detach_jupyterhub_orm()
    user = FacadeUser(username)
    spawner = spawner_class(
        user=user,
        hub=FacadeHub(api_url=f"{public}/hub/api"),
        db=FacadeDb(),
        authenticator=None,
        config=config,
        orm_spawner=None,
        oauth_client_id=f"jupyterhub-user-{username}",
        cookie_options={},
        public_url=f"{public}{user.url}",
        public_hub_url=f"{public}/hub/",
    )
    spawner.server = Server(
        orm_server=orm.Server(
            proto="http", ip="", port=0, base_url=user.url, cookie_name="jupyterhub-session-id"
        )
    )
    spawner.api_token = secrets.token_hex(16)
    user.spawners[""] = spawner
    spawner.load_state({})
    return spawner


def make_spawner(spawner_class: type[Any], username: str, hub: StandinHub, config: Config) -> Any:
    """A spawner for ``username``'s default server, as a host would build it."""
    return build_spawner(spawner_class, username, f"http://127.0.0.1:{hub.port}", config)
