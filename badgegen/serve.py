"""`badgegen serve`: show the built site on this computer, as the host would.

Only for previews: it listens on 127.0.0.1, serves files by extension like a
static host, and answers missing paths with the site's own `404.html`.
"""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path

from badgegen.errors import BuildError


class StaticSiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, plus the site's 404 page, without a log line per request."""

    extensions_map = {  # noqa: RUF012 - the base class defines it as a class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".jsonld": "application/ld+json",
    }

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that closes a connection early (a tab closed mid-load) is not an error."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def make_server(root: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A threaded server for `root` on 127.0.0.1:`port` (0 picks a free port)."""
    handler = functools.partial(StaticSiteHandler, directory=str(root))
    return QuietServer(("127.0.0.1", port), handler)


def serve_forever(root: Path, port: int, lang: str) -> None:
    """Serve until Ctrl+C; a busy port is the user's to change, not a crash."""
    try:
        server = make_server(root, port)
    except OSError as exc:
        if lang == "fr":
            raise BuildError(
                f"Impossible d'écouter sur le port {port} ({exc.strerror}) : essayez --port 8001."
            ) from exc
        raise BuildError(f"Cannot listen on port {port} ({exc.strerror}): try --port 8001.") from exc
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    if lang == "fr":
        print(f"Le registre est visible à l'adresse {address} (Ctrl+C pour arrêter).")
    else:
        print(f"The registry is at {address} (Ctrl+C to stop).")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
