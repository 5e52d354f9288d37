"""How long each page of the example registry takes to load, in a real Chromium.

Builds content/ for a loopback address, serves it, and loads each page kind in a
fresh browser context (empty cache) a few times; prints a table of the median
times and the bytes fetched, plus the time a search and a badge verification
take to show their answer. A benchmark, not a test: nothing here asserts a time.

    .venv/bin/python bench/page_load.py [--runs 5] [--json results.json]

Chromium: Debian's /usr/bin/chromium, or $BADGEGEN_CHROMIUM.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from badgegen.cli import main as badgegen
from badgegen.serve import make_server

REPO = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
_TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const bytes = nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0);
  return {ttfb: nav.responseStart - nav.startTime, dom: nav.domContentLoadedEventEnd - nav.startTime,
          load: nav.loadEventEnd - nav.startTime, bytes, requests: resources.length + 1};
}"""


def _pages(site: Path) -> dict[str, str]:
    """One page of each kind, found in the built site."""
    awards = sorted(p.parent.name for p in site.glob("assertions/*/index.html"))
    badges = sorted(p.parent.name for p in site.glob("badges/*/index.html"))
    issuers = sorted(p.parent.name for p in site.glob("issuers/*/index.html"))
    earners = sorted(p.parent.name for p in site.glob("personnes/*/index.html"))
    pages = {
        "accueil": "",
        "catalogue": "badges/",
        "badge": f"badges/{badges[0]}/",
        "organisation": f"issuers/{issuers[0]}/",
        "attribution": f"assertions/{awards[0]}/",
        "recherche": "recherche/?q=semer",
        "verifier": "verifier/",
        "home (en)": "en/",
    }
    if earners:
        pages["portfolio"] = f"personnes/{earners[0]}/"
    return pages


def _measure(page: Page, url: str) -> dict[str, float]:
    page.goto(url, wait_until="load")
    page.wait_for_timeout(50)  # let loadEventEnd be recorded
    timing: dict[str, float] = page.evaluate(_TIMING)
    return timing


def _search_time(page: Page, base: str) -> float:
    page.goto(base + "recherche/", wait_until="load")
    started = page.evaluate("() => performance.now()")
    page.fill("#search-q", "ponctuel")
    page.wait_for_selector("#search-list li", timeout=10_000)
    return float(page.evaluate("() => performance.now()")) - float(started)


def _verify_time(page: Page, base: str, png: Path) -> float:
    page.goto(base + "verifier/", wait_until="load")
    started = page.evaluate("() => performance.now()")
    page.set_input_files("input[type=file]", str(png))
    page.wait_for_selector("#resultat > *", timeout=10_000)
    return float(page.evaluate("() => performance.now()")) - float(started)


def run(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        server = make_server(out, 0)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        content = str(REPO / "content")
        assert (
            badgegen(
                ["build", "--content", content, "--out", str(out), "--base-url", base, "--frozen-ledger"]
            )
            == 0
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        chromium = os.environ.get("BADGEGEN_CHROMIUM", "/usr/bin/chromium")
        results: dict[str, Any] = {"pages": {}, "interactions": {}}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
            for name, path in _pages(out).items():
                samples = []
                for _ in range(runs):
                    context = browser.new_context()
                    samples.append(_measure(context.new_page(), base + path))
                    context.close()
                results["pages"][name] = {
                    key: statistics.median(s[key] for s in samples) for key in samples[0]
                }
            png = next(out.glob("assertions/*.png"))
            for name, action in (
                ("recherche « ponctuel »", _search_time),
                ("vérifier une image", _verify_time),
            ):
                times = []
                for _ in range(runs):
                    context = browser.new_context()
                    page = context.new_page()
                    times.append(action(page, base, png) if action is _verify_time else action(page, base))
                    context.close()
                results["interactions"][name] = statistics.median(times)
            browser.close()
        server.shutdown()
    return results


def _print(results: dict[str, Any]) -> None:
    print(f"{'page':<14} {'1er octet':>10} {'DOM prêt':>10} {'chargée':>10} {'octets':>9} {'requêtes':>9}")
    for name, r in results["pages"].items():
        print(
            f"{name:<14} {r['ttfb']:>8.1f}ms {r['dom']:>8.1f}ms {r['load']:>8.1f}ms "
            f"{r['bytes'] / 1024:>7.1f}Ko {r['requests']:>9.0f}"
        )
    for name, ms in results["interactions"].items():
        print(f"{name}: réponse affichée en {ms:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    measured = run(options.runs)
    _print(measured)
    if options.json:
        options.json.write_text(json.dumps(measured, indent=2) + "\n", "utf-8")
