"""Configuration, in the Jupyter way: a traitlets Python file.

The keys JupyterHub users already write mean the same here
(``c.JupyterHub.api_tokens``, ``services``, ``load_roles``, ``load_groups``,
``db_url``, ``c.Authenticator.admin_users``, ``c.Spawner.cmd``, ...). Keys and
sections this hub does not know are reported with a warning and ignored.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlparse

from traitlets import Any, Bool, Dict, Float, Integer, List, TraitType, Unicode, Union
from traitlets.config import Config, Configurable, LoggingConfigurable
from traitlets.config.loader import DeferredConfig, PyFileConfigLoader

from hub.auth.authenticators import Authenticator, DummyAuthenticator, PAMAuthenticator
from hub.metrics.event_loop import PeriodicMetricsCollector
from hub.proxy.chp import ConfigurableHTTPProxy
from hub.spawners.base import Spawner
from hub.spawners.local import NativeSpawner

log = logging.getLogger("hub.config")

DEFAULT_CONFIG_FILE = "jupyterhub_config.py"


class JupyterHub(LoggingConfigurable):
    """The hub's own settings (the ``c.JupyterHub`` section)."""

    # --- network
    bind_url = Unicode(
        "http://:8000",
        help="The public URL of the proxy. Its path sets base_url.",
    ).tag(config=True)
    ip = Unicode(
        "", help="Public IP of the proxy (with port, as in JupyterHub); overrides bind_url's host."
    ).tag(config=True)
    port = Integer(0, help="Public port of the proxy; when set, overrides bind_url's port.").tag(config=True)
    hub_bind_url = Unicode(
        "",
        help="The URL the hub's own server binds to, e.g. http://127.0.0.1:8081. Overrides hub_ip and hub_port.",
    ).tag(config=True)
    hub_ip = Unicode("127.0.0.1", help="The address the hub binds to.").tag(config=True)
    hub_port = Integer(8081, help="The port the hub binds to.").tag(config=True)
    hub_connect_ip = Unicode(
        "",
        help="The address the proxy, servers and services reach the hub at, when it is not the one it "
        "binds to (a pod's IP while binding to 0.0.0.0). Default: hub_ip, or 127.0.0.1 for 0.0.0.0.",
    ).tag(config=True)
    hub_connect_url = Unicode(
        "",
        help="The URL the proxy, servers and services reach the hub at (its scheme, host and port are "
        "used; the path is always the hub's prefix). Overrides hub_connect_ip.",
    ).tag(config=True)
    base_url = Unicode("/", help="The URL prefix of the whole deployment.").tag(config=True)
    public_url = Unicode("", help="The public URL of the deployment, for absolute URLs in models.").tag(
        config=True
    )

    log_level = Any(
        None, allow_none=True, help="Logging level (a name or a number) when --log-level is not given."
    ).tag(config=True)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if self.ip or self.port:
            # JupyterHub's older spelling of bind_url's host and port
            parsed = urlparse(self.bind_url)
            host = self.ip or parsed.hostname or ""
            host = f"[{host}]" if ":" in host else host
            self.bind_url = parsed._replace(netloc=f"{host}:{self.port or parsed.port or 8000}").geturl()

    # --- browser sessions
    cookie_secret = Unicode(
        "",
        help="Key that signs the login cookies, as hex (default: $JPY_COOKIE_SECRET, else cookie_secret_file).",
    ).tag(config=True)
    cookie_secret_file = Unicode(
        "jupyterhub_cookie_secret",
        help="File holding the cookie secret (hex); created with a random secret if missing.",
    ).tag(config=True)
    cookie_max_age_days = Float(14, help="Days a login cookie is accepted.").tag(config=True)
    oauth_token_expires_in = Integer(
        0, help="Seconds an OAuth access token lives (0: cookie_max_age_days)."
    ).tag(config=True)
    shutdown_on_logout = Bool(False, help="Stop the user's servers when they log out.").tag(config=True)

    # --- pages
    default_url = Any(
        "",
        help="Where /hub/ and a login without next= send a user: a path, or a callable given the "
        "request handler that returns one ('' then means the default). Default: the user's server "
        "(started if stopped) when redirect_to_server, else /hub/home.",
    ).tag(config=True)
    redirect_to_server = Bool(
        True, help="Send users to their own server after login and from /hub/ (else to /hub/home)."
    ).tag(config=True)
    logo_file = Unicode(
        "", help="Image served at /hub/logo and shown on the pages (default: the hub's)."
    ).tag(config=True)

    # --- database
    db_url = Unicode(
        "sqlite:///jupyterhub.sqlite",
        help="SQLAlchemy URL of the database (SQLite file or PostgreSQL).",
    ).tag(config=True)
    db_kwargs = Dict(help="Extra keyword arguments for the database engine (unused keys warn).").tag(
        config=True
    )

    # --- identities from configuration
    api_tokens = Dict(
        Unicode(),
        help="{token: username}: tokens that authenticate as these users (users are created if missing).",
    ).tag(config=True)
    service_tokens = Dict(
        Unicode(), help="{token: service name}: tokens that authenticate as these services."
    ).tag(config=True)
    services = List(
        Dict(),
        help="Services: dicts with name, url, api_token, admin, roles, oauth_*, info, display, ...",
    ).tag(config=True)
    load_roles = List(
        Dict(), help="Roles: dicts with name, description, scopes, users, groups, services."
    ).tag(config=True)
    load_groups = Dict(
        Union([Dict(), List(Unicode())]),
        help="{group: {'users': [...], 'properties': {...}}} (or {group: [users]}).",
    ).tag(config=True)
    custom_scopes = Dict(help="Custom scopes (custom:...): not supported yet; a non-empty value warns.").tag(
        config=True
    )

    # --- tokens
    trust_user_provided_tokens = Bool(
        False,
        help="Hash tokens from configuration with one round instead of 16,384.",
    ).tag(config=True)
    token_expires_in_max_seconds = Integer(
        0, help="Upper limit on a new token's lifetime; 0 means no limit."
    ).tag(config=True)
    allow_token_in_url = Bool(
        False,
        help="Accept API tokens in the URL (?token=...). Off by default: URLs end up in logs and browser history.",
    ).tag(config=True)
    activity_resolution = Integer(
        30,
        help="Seconds: activity timestamps are written at most this often per token, user and login session.",
    ).tag(config=True)
    audit_retention_days = Integer(
        90,
        min=0,
        help="Days the audit log (GET /hub/api/audit) keeps a record; older ones are purged hourly. "
        "0 keeps them forever. This hub's own key.",
    ).tag(config=True)

    # --- limits against abuse
    failed_login_limit = Integer(
        10,
        min=0,
        help="Failed logins allowed per user name and per client address within failed_login_window; "
        "further attempts are answered 429 with Retry-After, without asking the authenticator. "
        "A successful login clears the user name's count. 0: no limit. (This hub's own key.)",
    ).tag(config=True)
    failed_login_window = Float(
        300, min=1, help="Seconds over which failed_login_limit counts failed logins. (This hub's own key.)"
    ).tag(config=True)
    max_tokens_per_user = Integer(
        1000,
        min=0,
        help="Most unexpired API tokens a user may hold; requesting one more (API or token page) "
        "is refused with 403. 0: no limit. (This hub's own key.)",
    ).tag(config=True)
    max_share_codes_per_user = Integer(
        1000,
        min=0,
        help="Most unexpired share codes the servers of one user may have; issuing one more is "
        "refused with 403. 0: no limit. (This hub's own key.)",
    ).tag(config=True)
    tornado_settings = Dict(
        help="Only its 'headers' are read: headers added to every response of the hub (a "
        "Content-Security-Policy here replaces the pages' default one); other keys warn.",
    ).tag(config=True)

    # --- API
    api_page_default_limit = Integer(50, help="Default page size of paginated lists.").tag(config=True)
    api_page_max_limit = Integer(200, help="Largest page size of paginated lists.").tag(config=True)
    max_body_size = Integer(
        1024 * 1024,
        min=1024,
        help="Largest request body the hub reads, in bytes; larger ones are answered with 413.",
    ).tag(config=True)

    # --- metrics
    authenticate_prometheus = Bool(
        True,
        help="Require a token or a login with the read:metrics scope to read /hub/metrics "
        "(else 403); False lets anyone scrape it.",
    ).tag(config=True)
    metrics_flush_interval = Float(
        5,
        min=0.1,
        help="Seconds between writes of this process's counters and histograms to the database, which "
        "every hub process's /hub/metrics reads: a scrape shows its own process's observations at once, "
        "another process's after that one's next write (and when it stops). (This hub's own key.)",
    ).tag(config=True)

    # --- classes
    authenticator_class = Any(
        "pam",
        help="Authenticator: a class, an import path or a short name ('pam', the default, 'dummy', "
        "or an entry point of JupyterHub's plugins such as 'generic-oauth').",
    ).tag(config=True)
    spawner_class = Any(
        "native",
        help="Spawner: a class, an import path or a short name ('native', this hub's own local "
        "processes and the default, or an entry point of JupyterHub's plugins: 'localprocess', "
        "'simple', 'kubespawner', ...).",
    ).tag(config=True)
    proxy_class = Any(
        "configurable-http-proxy",
        help="Proxy: a class, an import path or a short name ('configurable-http-proxy', this hub's "
        "own and the default, or an entry point of JupyterHub's plugins such as 'traefik_redis').",
    ).tag(config=True)

    # --- servers (used once servers are implemented)
    allow_named_servers = Bool(False, help="Allow users to have named servers.").tag(config=True)
    named_server_limit_per_user = Integer(0, help="Most named servers a user may have; 0 = no limit.").tag(
        config=True
    )
    concurrent_spawn_limit = Integer(100, help="Most servers starting at once.").tag(config=True)
    active_server_limit = Integer(0, help="Most servers running at once; 0 = no limit.").tag(config=True)
    slow_spawn_timeout = Float(10, help="Seconds a start request waits before answering 202.").tag(
        config=True
    )
    slow_stop_timeout = Float(10, help="Seconds a stop request waits before answering 202.").tag(config=True)
    machine_name = Unicode(
        "",
        help="This machine's name among the hub's processes (default: its host name). Servers of a spawner "
        "whose state only means something on one machine (the local spawners: a process id) are polled "
        "and stopped only by the processes of the machine they run on. (This hub's own key.)",
    ).tag(config=True)
    lease_seconds = Float(
        30,
        min=1,
        help="Seconds a hub process's claim on a server's start or stop lasts unless it renews it (a third "
        "of this, while the work runs); when a process dies, another takes its starts and stops over after "
        "this long. (This hub's own key: several processes can serve one hub.)",
    ).tag(config=True)
    change_poll_interval = Float(
        5,
        min=0.1,
        help="On PostgreSQL, seconds between reads of a server's row by a progress stream that has "
        "received no notice of a change (notices come at once from every hub process; this is the safety "
        "net). (This hub's own key.)",
    ).tag(config=True)
    event_history_seconds = Float(
        86400,
        min=60,
        help="Seconds of events the change stream (GET /hub/api/events) keeps for clients that resume: "
        "older ones are deleted hourly, and a client resuming from before them is told to list again "
        "(410). (This hub's own key.)",
    ).tag(config=True)
    webhook_retry_seconds = Float(
        2,
        min=0.01,
        help="Seconds before a webhook delivery that failed is tried again; the wait doubles with each "
        "failure, up to an hour. (This hub's own key.)",
    ).tag(config=True)
    webhook_max_attempts = Integer(
        10, min=1, help="Attempts at a webhook delivery before it is given up. (This hub's own key.)"
    ).tag(config=True)
    cleanup_servers = Bool(True, help="Stop the servers when the hub shuts down.").tag(config=True)
    cleanup_proxy = Bool(True, help="Stop the proxy the hub started when it shuts down.").tag(config=True)
    admin_access = Bool(False, help="Deprecated: let admins access users' servers.").tag(config=True)

    def hub_address(self) -> tuple[str, int]:
        """Host and port the hub's server binds to."""
        if self.hub_bind_url:
            parsed = urlparse(self.hub_bind_url)
            return parsed.hostname or "127.0.0.1", parsed.port or 8081
        return self.hub_ip or "127.0.0.1", self.hub_port

    def hub_connect_host(self) -> str:
        """``scheme://host:port`` where others reach the hub (the target of its
        proxy route; its API is below it)."""
        if self.hub_connect_url:
            parsed = urlparse(self.hub_connect_url)
            return f"{parsed.scheme or 'http'}://{parsed.netloc}"
        host, port = self.hub_address()
        ip = self.hub_connect_ip or ("127.0.0.1" if host in ("", "0.0.0.0", "::") else host)
        return f"http://[{ip}]:{port}" if ":" in ip else f"http://{ip}:{port}"

    def base_prefix(self) -> str:
        """The URL prefix of the deployment: ``base_url``, else the path of
        ``bind_url``, always ending with ``/``."""
        base = self.base_url
        if base in ("", "/"):
            base = urlparse(self.bind_url).path or "/"
        return base if base.endswith("/") else base + "/"

    def hub_prefix(self) -> str:
        return self.base_prefix() + "hub/"


#: the configurable classes whose sections a config file may contain
CLASSES: list[type[Configurable]] = [
    JupyterHub,
    Authenticator,
    DummyAuthenticator,
    PAMAuthenticator,
    Spawner,
    NativeSpawner,
    ConfigurableHTTPProxy,
    PeriodicMetricsCollector,
]
#: sections of JupyterHub configs that later releases of this hub will read;
#: they are accepted without a warning
RESERVED_SECTIONS = {"Proxy", "Application"}


def load_config(path: str | None, overrides: Config | None = None) -> Config:
    """Load a config file (``path``, else ./jupyterhub_config.py if present),
    then ``overrides`` (the command line's ``--Section.key=value``) over it."""
    config = Config()
    if path is None and Path(DEFAULT_CONFIG_FILE).exists():
        path = DEFAULT_CONFIG_FILE
    if path is not None:
        file = Path(path)
        if not file.exists():
            raise FileNotFoundError(f"config file not found: {path}")
        loader = PyFileConfigLoader(file.name, path=str(file.parent.resolve()), log=log)
        config = loader.load_config()
    if overrides:
        config.merge(overrides)
        resolve_command_line(config)
    warn_unknown(config)
    return config


def resolve_command_line(config: Config) -> None:
    """Turn the command line's strings into values of the keys' own types,
    for the classes this hub knows (a plugin's own classes do it themselves,
    as traitlets does for them). A value its key cannot take is a ValueError."""

    def resolve(classes: list[type[Configurable]]) -> None:
        traits: dict[str, dict[str, TraitType[object, object]]] = {}
        for cls in classes:
            traits.setdefault(cls.__name__, {}).update(cls.class_traits(config=True))
        for section, values in config.items():
            if not isinstance(values, Config) or section not in traits:
                continue
            for key, value in list(values.items()):
                trait = traits[section].get(key)
                if trait is None or not isinstance(value, DeferredConfig):
                    continue
                try:
                    values[key] = trait.validate(None, value.get_value(trait))  # type: ignore[attr-defined]
                except Exception as e:
                    raise ValueError(f"--{section}.{key}: {e}") from None

    resolve([JupyterHub])
    resolve([*CLASSES, *configured_classes(config)])


def warn_unknown(config: Config) -> list[str]:
    """Warn about sections and keys nothing here reads; return the warnings.

    The sections of the configured spawner and authenticator classes, and of
    their base classes, are read by those classes (``c.KubeSpawner``,
    ``c.GenericOAuthenticator``, JupyterHub's own ``c.Spawner`` keys).
    """
    known: dict[str, set[str]] = {}
    for cls in [*CLASSES, *configured_classes(config)]:
        known.setdefault(cls.__name__, set()).update(cls.class_trait_names(config=True))
    warnings = []
    for section, values in config.items():
        if not isinstance(values, Config):
            continue
        traits = known.get(section)
        if traits is None:
            if section not in RESERVED_SECTIONS:
                warnings.append(f"Config section {section} is not used by this hub; ignored")
            continue
        for key in values:
            if key not in traits:
                warnings.append(f"Config option {section}.{key} is not recognized; ignored")
    for message in warnings:
        log.warning(message)
    return warnings


def configured_classes(config: Config) -> list[type[Configurable]]:
    """The configurable classes along the MROs of the configured spawner,
    authenticator and proxy (none when a name does not resolve: starting the hub reports that)."""
    from hub.auth.authenticators import SHORT_NAMES as AUTHENTICATORS
    from hub.plugins.loader import PluginLoadError, config_classes, resolve_class
    from hub.proxy.chp import SHORT_NAMES as PROXIES
    from hub.spawners.local import SHORT_NAMES as SPAWNERS

    section = config.get("JupyterHub", {})
    traits = JupyterHub.class_traits()
    found: list[type[Configurable]] = []
    for name, kind, native in (
        ("spawner_class", "spawner", SPAWNERS),
        ("authenticator_class", "authenticator", AUTHENTICATORS),
        ("proxy_class", "proxy", PROXIES),
    ):
        value = section.get(name, traits[name].default_value)
        try:
            cls = resolve_class(value, kind, native)  # type: ignore[arg-type]
        except PluginLoadError:
            continue
        found.extend(config_classes(cls))
    return found
