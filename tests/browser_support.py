"""Helpers for the real-browser tests: Chromium through Playwright, axe-core, the local site.

The browser is Debian's /usr/bin/chromium driven by the `playwright` Python package
(its wheel ships the driver; no browser download). axe-core comes from npm into
node_modules/ at the repository root:

    npm install --no-save --no-package-lock axe-core@4

Locally, the browser tests are skipped when Chromium or Playwright is missing; under
CI=true nothing is skipped: a missing tool fails the run with the command that installs it.
A missing axe-core always fails the accessibility tests (it is one npm command away).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from badgegen.cli import main
from badgegen.serve import make_server

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm install --no-save --no-package-lock axe-core@4"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The WCAG 2.1 level A and AA rules of axe-core.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],  # only violations are reported in full: faster, same verdict
}


def in_ci() -> bool:
    """True when the CI variable is set to anything but an empty or false value."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def missing_tool(message: str) -> None:
    """Skip locally, but fail loudly under CI, where every browser test must run."""
    if in_ci():
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


def chromium_path() -> str:
    """$BADGEGEN_CHROMIUM (e.g. Chrome on GitHub's runners), else Debian's Chromium, else skip/fail."""
    chosen = os.environ.get("BADGEGEN_CHROMIUM")
    found = chosen or (CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium"))
    if not found or not os.access(found, os.X_OK):
        missing_tool("Chromium is missing: install it with `apt-get install chromium` (Debian).")
    return str(found)


def axe_path() -> Path:
    """axe.min.js from node_modules/ at the repository root; fails with the install command."""
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE}): run `{AXE_INSTALL}` at the repository root.",
            pytrace=False,
        )
    return AXE


@contextmanager
def built_site(out: Path, content: Path = REPO / "content", extra: tuple[str, ...] = ()) -> Iterator[str]:
    """Build `content` (the example) into `out` and serve it on a free loopback port; yields the base URL.

    The server is bound first, so the site is built for the very address it is served at.
    """
    server = make_server(out, 0)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    try:
        with pytest.MonkeyPatch.context() as mp:
            from conftest import SOURCE_DATE_EPOCH

            mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            code = main(
                [
                    "build",
                    "--content",
                    str(content),
                    "--out",
                    str(out),
                    "--base-url",
                    base,
                    "--frozen-ledger",
                    *extra,
                ]
            )
        assert code == 0, "the example site does not build"
        thread.start()
        yield base
    finally:
        if thread.is_alive():
            server.shutdown()
        server.server_close()


@dataclass
class Visit:
    """What happened while a page loaded: its response, and everything that went wrong."""

    url: str
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)


def visit(page: Any, url: str, origin: str) -> Visit:
    """Open `url` in `page`, recording console errors, failed and off-site requests.

    Lazy images are switched to eager and awaited, so every image of the page is fetched
    (and checked), not only those near the top of the viewport.
    """
    record = Visit(url)

    def on_console(message: Any) -> None:
        if message.type == "error":
            record.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_request(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if f"{parts.scheme}://{parts.netloc}" != origin:
            record.foreign.append(request.url)

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.url != url:
            record.failed.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: record.console_errors.append(f"uncaught: {error}"))
    page.on("request", on_request)
    page.on("requestfailed", lambda r: record.failed.append(f"{r.failure} {r.url}"))
    page.on("response", on_response)
    response = page.goto(url, wait_until="load")
    record.status = response.status if response is not None else None
    broken = page.evaluate(
        """async () => {
            const images = Array.from(document.images);
            for (const img of images) img.loading = "eager";
            await Promise.all(images.map((img) => img.decode().catch(() => null)));
            return images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src);
        }"""
    )
    record.failed.extend(f"image did not load: {src}" for src in broken)
    return record


def run_axe(page: Any) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations axe-core finds in the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, not added as a <script>: the pages'
        # Content-Security-Policy refuses inline scripts (and would log a violation).
        page.evaluate(axe_path().read_text("utf-8"))
    result = page.evaluate("async (options) => await window.axe.run(document, options)", AXE_OPTIONS)
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """A readable report: rule, impact, help, then each offending element and why."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:8]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)
