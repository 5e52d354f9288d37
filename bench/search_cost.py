"""What a visitor's first search costs on a built site, in a real Chromium, at a given latency.

The search index of a big registry comes in parts (badgegen/search.py: `shards`), merged by
the browser at the first search of a visit; the size of a part trades a listed award's
rebuild against that first search. This serves each built site given, opens its search
page in a fresh browser context (empty cache) with the network's latency emulated, asks
each search, and prints the median time until the results are shown, the requests made to
the index (`pagefind/`, the page's and Pagefind's worker's alike) and their bytes. A
benchmark, not a test: nothing here asserts a time.

    .venv/bin/python bench/search_cost.py SITE [SITE…] [--latency 100] [--runs 3]

Chromium: Debian's /usr/bin/chromium, or $BADGEGEN_CHROMIUM.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
from pathlib import Path
from typing import Any

from page_load import ARGS  # the same Chromium as the page-load benchmark
from playwright.sync_api import Request, sync_playwright

from badgegen.serve import make_server

#: The searches asked: a word in the form, and a filter alone (every listed award).
SEARCHES = (("mot « semis »", "recherche/?q=semis"), ("filtre « attribution »", "recherche/?kind=award"))


def first_search(browser: Any, base: str, path: str, latency: float) -> tuple[float, int, int]:
    """One search in a fresh context: seconds until its results are shown, then the requests
    made to the index and their bytes."""
    context = browser.new_context()
    asked: list[Request] = []
    context.on("requestfinished", lambda request: asked.append(request))  # the page's and its workers'
    page = context.new_page()
    session = context.new_cdp_session(page)
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


def measure(site: Path, runs: int, latency: float) -> dict[str, dict[str, float]]:
    server = make_server(site, 0)  # `badgegen serve`'s own: quiet, the site's headers
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = os.environ.get("BADGEGEN_CHROMIUM", "/usr/bin/chromium")
    found: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
            for name, path in SEARCHES:
                samples = [first_search(browser, base, path, latency) for _ in range(runs)]
                found[name] = {
                    "seconds": statistics.median(s[0] for s in samples),
                    "requests": statistics.median(s[1] for s in samples),
                    "kilobytes": statistics.median(s[2] for s in samples) / 1024,
                }
            browser.close()
    finally:
        server.shutdown()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", type=Path, nargs="+", help="built sites (the site/ folder of a build)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=100, help="milliseconds added to each request")
    args = parser.parse_args()
    for site in args.sites:
        parts = len(list(site.glob("pagefind/part-*")))
        for name, figures in measure(site, args.runs, args.latency).items():
            print(
                f"{site} ({parts + 1} parts) {name}: {figures['seconds']:.2f} s, "
                f"{figures['requests']:.0f} requests, {figures['kilobytes']:.0f} KB"
            )


if __name__ == "__main__":
    main()
