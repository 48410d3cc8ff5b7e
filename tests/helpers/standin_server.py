"""A minimal stand-in for a single-user server, for tests of the API contract.

It listens where the hub told it to (``JUPYTERHUB_SERVICE_URL``, else
``--port``) and answers every GET with 200, which is all the hub needs to call
a server ready. With ``HUB_TEST_RECORD`` set to a path, it first writes its
pid, uid, working directory, arguments and environment there as JSON. The
server lifecycle itself is tested with the real ``jupyterhub-singleuser``
(tests/test_servers.py); this keeps the fuzzing run light.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    record = os.environ.get("HUB_TEST_RECORD")
    if record:
        facts = {"pid": os.getpid(), "uid": os.getuid(), "cwd": os.getcwd(), "argv": sys.argv}
        with open(record + ".tmp", "w") as f:
            json.dump({**facts, "env": dict(os.environ)}, f)
        os.replace(record + ".tmp", record)
    url = urlsplit(os.environ.get("JUPYTERHUB_SERVICE_URL", ""))
    port = url.port
    for arg in sys.argv[1:]:
        if arg.startswith("--port="):
            port = int(arg.split("=", 1)[1])
    ThreadingHTTPServer((url.hostname or "127.0.0.1", port or 80), Answer).serve_forever()


if __name__ == "__main__":
    main()
