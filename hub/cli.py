"""The ``hub`` command.

hub [-f FILE]                  serve the hub
hub token USERNAME             print a new API token for an existing user
hub upgrade-db                 bring the database schema up to date
hub generate-config [-o FILE]  write a commented configuration file
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from pathlib import Path

from traitlets.config import Application

from hub import __version__
from hub.config import CLASSES, DEFAULT_CONFIG_FILE, load_config

log = logging.getLogger("hub")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hub", description="A hub compatible with JupyterHub's REST API.")
    parser.add_argument(
        "-f", "--config", help=f"configuration file (default: ./{DEFAULT_CONFIG_FILE} if present)"
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--log-level", default="INFO", help="logging level (default: INFO)")
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


def main(argv: list[str] | None = None) -> int:
    # connexion imports starlette's test client, which warns about httpx
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    args = _parser().parse_args(argv)
    for noisy in ("alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.basicConfig(
        level=args.log_level.upper(), format="[%(levelname)1.1s %(asctime)s %(name)s] %(message)s"
    )
    if args.command == "generate-config":
        return generate_config(Path(args.output), args.force)
    try:
        config = load_config(args.config)
    except FileNotFoundError as e:
        print(e, file=sys.stderr)
        return 1
    from hub.plugins.loader import PluginLoadError

    try:
        if args.command == "token":
            return _token(config, args)
        if args.command == "upgrade-db":
            return _upgrade(config)
        return serve(config, validate_responses=args.validate_responses)
    except PluginLoadError as e:
        print(f"configuration error: {e}", file=sys.stderr)
        return 1


def serve(config: object, validate_responses: bool = False) -> int:
    import uvicorn

    from hub.app import create_app
    from hub.runtime import Hub

    hub = Hub(config, validate_responses=validate_responses)  # type: ignore[arg-type]
    host, port = hub.settings.hub_address()
    app = create_app(hub)
    log.info("Hub API at http://%s:%d%sapi", host, port, hub.settings.hub_prefix())
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))

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
