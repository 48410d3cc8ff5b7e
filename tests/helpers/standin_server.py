"""A minimal stand-in for a single-user server, for tests of the API contract.

It listens where the hub told it to (``JUPYTERHUB_SERVICE_URL``) and answers
every GET with 200, which is all the hub needs to call a server ready. The
server lifecycle itself is tested with the real ``jupyterhub-singleuser``
(tests/test_servers.py); this keeps the fuzzing run light.
"""

import os
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
    url = urlsplit(os.environ["JUPYTERHUB_SERVICE_URL"])
    ThreadingHTTPServer((url.hostname or "127.0.0.1", url.port or 80), Answer).serve_forever()


if __name__ == "__main__":
    main()
