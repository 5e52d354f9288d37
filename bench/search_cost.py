"""What a visitor's first search costs on a built site, in a real Chromium, at a given latency.

The search index of a big registry comes in parts (badgegen/search.py: `shards`), merged by
the browser at the first search of a visit; the size of a part trades a listed award's
rebuild against that first search. This serves each built site given, opens its search
page in a fresh browser context (empty cache) with the network's latency emulated, asks
each search, and prints the median time until the results are shown, the requests made to
the index (`pagefind/`, the page's and Pagefind's worker's alike) and their bytes. A
benchmark, not a test: nothing here asserts a time.

    .venv/bin/python bench/search_cost.py SITE [SITE…] [--latency 100] [--runs 3] [--http2]

Chromium: Debian's /usr/bin/chromium, or $BADGEGEN_CHROMIUM. By default the site is served by
`badgegen serve`'s server: HTTP/1.1, where Chromium opens six connections to a host and the
parts' files wait their turn. GitHub Pages answers over HTTP/2, one connection for all: with
`--http2`, an nginx (`apt-get install nginx-light`) serves the site over TLS and HTTP/2, with a
certificate made for the run, and the protocols of the index's answers are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from page_load import ARGS  # the same Chromium as the page-load benchmark
from playwright.sync_api import Request, sync_playwright

from badgegen.serve import make_server

#: The searches asked: a word in the form, and a filter alone (every listed award).
SEARCHES = (("mot « semis »", "recherche/?q=semis"), ("filtre « attribution »", "recherche/?kind=award"))


def first_search(
    browser: Any, base: str, path: str, latency: float, protocols: set[str]
) -> tuple[float, int, int]:
    """One search in a fresh context: seconds until its results are shown, then the requests
    made to the index and their bytes (the protocols of the page's answers go to `protocols`)."""
    context = browser.new_context(ignore_https_errors=True)  # (--http2: a certificate of the run's own)
    asked: list[Request] = []
    context.on("requestfinished", lambda request: asked.append(request))  # the page's and its workers'
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.on(
        "Network.responseReceived", lambda event: protocols.add(event["response"].get("protocol", "?"))
    )
    session.send("Network.enable")
    conditions = {"offline": False, "latency": latency, "downloadThroughput": -1, "uploadThroughput": -1}
    session.send("Network.emulateNetworkConditions", conditions)
    page.goto(base + path, wait_until="commit")
    page.wait_for_selector("#search-list li", timeout=120_000)
    seconds = float(page.evaluate("() => performance.now()")) / 1000
    page.wait_for_timeout(200)  # the last answers' bodies
    index = [request for request in asked if "/pagefind/" in request.url]
    size = sum(request.sizes()["responseBodySize"] for request in index)
    context.close()
    return seconds, len(index), size


@contextlib.contextmanager
def served(site: Path, http2: bool) -> Iterator[str]:
    """The address `site` is served at while in the block: `badgegen serve`'s server (quiet,
    the site's headers), or with `http2` an nginx over TLS and HTTP/2."""
    if http2:
        with tempfile.TemporaryDirectory(prefix="search-cost-nginx-") as folder:
            yield from _nginx(site, Path(folder))
        return
    server = make_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def _nginx(site: Path, folder: Path) -> Iterator[str]:
    """An nginx serving `site` at https://127.0.0.1:<port>/ with HTTP/2 (the site's 404 page)."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    request = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    request += ["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(request, check=True, capture_output=True)
    with socket.socket() as probe:  # a free port (nginx takes it right after)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    temp = " ".join(
        f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"""worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log;
events {{}}
http {{
  include /etc/nginx/mime.types; access_log off; {temp}
  server {{
    listen 127.0.0.1:{port} ssl http2; ssl_certificate {cert}; ssl_certificate_key {key};
    root {site.resolve()}; error_page 404 /404.html;
  }}
}}
""",
        encoding="utf-8",
    )
    nginx = subprocess.Popen(
        ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    )
    try:
        for _ in range(100):  # up within a few hundred milliseconds
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.05)
        else:
            log = folder / "error.log"
            raise SystemExit(f"nginx did not answer: {log.read_text() if log.is_file() else 'no log'}")
        yield f"https://127.0.0.1:{port}/"
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)


def measure(site: Path, runs: int, latency: float, http2: bool = False) -> dict[str, dict[str, float]]:
    chromium = os.environ.get("BADGEGEN_CHROMIUM", "/usr/bin/chromium")
    found: dict[str, dict[str, float]] = {}
    protocols: set[str] = set()
    with served(site, http2) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        for name, path in SEARCHES:
            samples = [first_search(browser, base, path, latency, protocols) for _ in range(runs)]
            found[name] = {
                "seconds": statistics.median(s[0] for s in samples),
                "requests": statistics.median(s[1] for s in samples),
                "kilobytes": statistics.median(s[2] for s in samples) / 1024,
            }
        browser.close()
    print(f"{site}: answered over {', '.join(sorted(protocols))}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", type=Path, nargs="+", help="built sites (the site/ folder of a build)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=100, help="milliseconds added to each request")
    parser.add_argument("--http2", action="store_true", help="serve over TLS and HTTP/2 with nginx")
    args = parser.parse_args()
    for site in args.sites:
        parts = len(list(site.glob("pagefind/part-*")))
        for name, figures in measure(site, args.runs, args.latency, args.http2).items():
            print(
                f"{site} ({parts + 1} parts) {name}: {figures['seconds']:.2f} s, "
                f"{figures['requests']:.0f} requests, {figures['kilobytes']:.0f} KB"
            )


if __name__ == "__main__":
    main()
