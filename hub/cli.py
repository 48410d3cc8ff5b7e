"""The ``hub`` command, with JupyterHub's command line.

hub [-f FILE] [options]        serve the hub
hub token USERNAME             print a new API token for an existing user
hub upgrade-db                 bring the database schema up to date
hub generate-config [-o FILE]  write a commented configuration file

As ``jupyterhub``: ``--ip``/``--port`` (the public address, as
``JupyterHub.ip``/``port``), ``--url``, ``--base-url``, ``--db``,
``--log-level``, ``--debug``, ``--generate-config``, ``--upgrade-db``, and
any configuration key as ``--Section.key=value`` (``--JupyterHub.hub_port=8082``),
which wins over the configuration file. So every process of a group can be
started from one file, each with its own port.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import warnings
from pathlib import Path

from traitlets import Unicode
from traitlets.config import Application, Config
from traitlets.config.loader import KVArgParseConfigLoader

from hub import __version__
from hub.config import CLASSES, DEFAULT_CONFIG_FILE, load_config

log = logging.getLogger("hub")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hub", description="A hub compatible with JupyterHub's REST API.")
    parser.add_argument(
        "-f", "--config", help=f"configuration file (default: ./{DEFAULT_CONFIG_FILE} if present)"
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--log-level", default=None, help="logging level (default: the configuration's log_level, else INFO)"
    )
    parser.add_argument("--debug", action="store_true", help="log at DEBUG")
    parser.add_argument("--ip", help="public IP of the proxy (JupyterHub.ip)")
    parser.add_argument("--port", type=int, help="public port of the proxy (JupyterHub.port)")
    parser.add_argument("--url", help="public URL of the proxy (JupyterHub.bind_url)")
    parser.add_argument("--base-url", help="URL prefix of the deployment (JupyterHub.base_url)")
    parser.add_argument("--db", help="database URL (JupyterHub.db_url)")
    parser.add_argument(
        "--generate-config",
        action="store_true",
        help="write ./jupyterhub_config.py with every option, then exit",
    )
    parser.add_argument("--upgrade-db", action="store_true", help="upgrade the database schema, then serve")
    parser.add_argument(
        "--validate-responses",
        action="store_true",
        help="check every response against the spec (for testing; costs about 20%% of throughput)",
    )
    sub = parser.add_subparsers(dest="command")
    token = sub.add_parser("token", help="print a new API token for a user")
    token.add_argument("username")
    token.add_argument("--note", default="command-line generated")
    token.add_argument("--scopes", nargs="*", default=None, help="scopes of the token (default: inherit)")
    token.add_argument("--expires-in", type=int, default=None, help="lifetime in seconds")
    sub.add_parser("upgrade-db", help="upgrade the database schema")
    gen = sub.add_parser("generate-config", help="write a configuration file with every option")
    gen.add_argument("-o", "--output", default=DEFAULT_CONFIG_FILE)
    gen.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


#: ``--Section.key=value`` or ``--Section.key value`` (traitlets' command-line form)
_OVERRIDE = re.compile(r"--([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:=(.*))?$", re.DOTALL)
#: the options that are configuration keys, as jupyterhub's aliases
_ALIASES = {"ip": "JupyterHub.ip", "port": "JupyterHub.port", "url": "JupyterHub.bind_url"}
_ALIASES |= {"base_url": "JupyterHub.base_url", "db": "JupyterHub.db_url"}


def split_overrides(argv: list[str]) -> tuple[list[str], list[str]]:
    """(the arguments argparse reads, the ``--Section.key=value`` overrides)."""
    rest: list[str] = []
    overrides: list[str] = []
    items = iter(argv)
    for item in items:
        found = _OVERRIDE.match(item)
        if found is None:
            rest.append(item)
            continue
        value = found.group(2)
        if value is None:
            value = next(items, "")
        overrides.append(f"--{found.group(1)}={value}")
    return rest, overrides


def command_line_config(args: argparse.Namespace, overrides: list[str]) -> Config:
    """The configuration the command line sets (it wins over the file)."""
    aliased = [
        f"--{key}={getattr(args, name)}" for name, key in _ALIASES.items() if getattr(args, name) is not None
    ]
    return KVArgParseConfigLoader(argv=aliased + overrides, aliases={}, flags={}).load_config()


def _level(args: argparse.Namespace, config: Config) -> str:
    if args.debug:
        return "DEBUG"
    if args.log_level:
        return str(args.log_level).upper()
    for section in ("JupyterHub", "Application"):
        value = config.get(section, {}).get("log_level")
        if value is not None:
            value = value.get_value(Unicode()) if hasattr(value, "get_value") else value
            return logging.getLevelName(value) if isinstance(value, int) else str(value).upper()
    return "INFO"


def main(argv: list[str] | None = None) -> int:
    # connexion imports starlette's test client, which warns about httpx
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    rest, overrides = split_overrides(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(rest)
    for noisy in ("alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.basicConfig(
        level=(args.log_level or "INFO").upper(), format="[%(levelname)1.1s %(asctime)s %(name)s] %(message)s"
    )
    if args.command == "generate-config":
        return generate_config(Path(args.output), args.force)
    if args.generate_config:
        return generate_config(Path(DEFAULT_CONFIG_FILE), False)
    try:
        config = load_config(args.config, command_line_config(args, overrides))
    except FileNotFoundError as e:
        print(e, file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"configuration error: {e}", file=sys.stderr)
        return 1
    logging.getLogger().setLevel(_level(args, config))
    from hub.plugins.loader import PluginLoadError

    try:
        if args.command == "token":
            return _token(config, args)
        if args.command == "upgrade-db":
            return _upgrade(config)
        if args.upgrade_db and _upgrade(config) != 0:
            return 1
        return serve(config, validate_responses=args.validate_responses)
    except PluginLoadError as e:
        print(f"configuration error: {e}", file=sys.stderr)
        return 1


def serve(config: object, validate_responses: bool = False) -> int:
    from hub.app import HubServer, create_app
    from hub.runtime import Hub

    hub = Hub(config, validate_responses=validate_responses)  # type: ignore[arg-type]
    host, port = hub.settings.hub_address()
    app = create_app(hub)
    log.info("Hub API at http://%s:%d%sapi", host, port, hub.settings.hub_prefix())
    server = HubServer(hub, app, host, port, lifespan="on")

    def request_exit() -> None:
        server.should_exit = True

    hub.request_exit = request_exit
    server.run()
    return 0


def _token(config: object, args: argparse.Namespace) -> int:
    from hub.core import tokens, users
    from hub.runtime import Hub

    hub = Hub(config)  # type: ignore[arg-type]
    hub.start()
    try:
        with hub.db.session() as session:
            user = users.by_name(session, hub.authenticator.normalize_username(args.username))
            if user is None:
                print(f"No such user: {args.username}", file=sys.stderr)
                return 1
            _, value = tokens.issue(
                session, user_id=user.id, scopes=args.scopes, expires_in=args.expires_in, note=args.note
            )
    finally:
        hub.stop()
    print(value)
    return 0


def _upgrade(config: object) -> int:
    from hub.db.engine import Database
    from hub.runtime import Hub

    hub = Hub(config)  # type: ignore[arg-type]
    db: Database = hub.db
    before = db.current_revision()
    db.upgrade()
    after = db.current_revision()
    db.dispose()
    print(f"database schema: {before or 'empty'} -> {after}")
    return 0


def generate_config(path: Path, force: bool) -> int:
    if path.exists() and not force:
        print(f"{path} exists; use --force to overwrite", file=sys.stderr)
        return 1

    class HubApp(Application):
        name = "hub"
        classes = list(CLASSES)

    path.write_text(HubApp().generate_config_file())
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
