"""`badgegen serve` builds for its own address and answers like the static host."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_serve_previews_the_example(tmp_path: Path) -> None:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "badgegen",
        "serve",
        "--port",
        str(port),
        "--out",
        str(tmp_path / "site"),
    ]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                status, _, home = _get(base)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(
                "the server did not start: " + (server.stderr.read() if server.stderr else "")
            )
        assert status == 200 and b'<html lang="fr">' in home
        status, kind, body = _get(base + "badges/ponctualite.json")
        assert status == 200 and kind == "application/json"
        assert f'"id": "{base}badges/ponctualite.json"'.encode() in body, "built for the served address"
        status, kind, body = _get(base + "nothing/here/")
        assert status == 404 and "text/html" in kind and b"Page introuvable" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
