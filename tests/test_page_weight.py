"""No page weighs more than 200 KB before images on first load (issue 4's budget).

First load = the HTML plus the stylesheets and scripts it names, as a browser
with an empty cache fetches them. Images, media, and what a script loads later
on demand (Pagefind's index at the first search) are not counted here; the
benchmark `bench/page_load.py` measures real loads in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from badgegen.cli import main

REPO = Path(__file__).resolve().parent.parent
BUDGET = 200 * 1024
_ASSETS = re.compile(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("weight") / "site"
    args = ["build", "--content", str(REPO / "content"), "--out", str(out), "--frozen-ledger"]
    assert main([*args, "--base-url", "https://registre.example.org/"]) == 0
    return out


def _first_load(site: Path, page: Path) -> int:
    html = page.read_text("utf-8")
    total = len(html.encode())
    for asset in sorted(set(_ASSETS.findall(html))):
        # 404.html links from the site root (the host serves it at any path).
        file = site / asset.lstrip("/") if asset.startswith("/") else page.parent / asset
        total += file.stat().st_size
    return total


def test_every_page_fits_the_budget(site: Path) -> None:
    weights = {p.relative_to(site).as_posix(): _first_load(site, p) for p in site.rglob("*.html")}
    assert len(weights) > 40
    heavy = {page: size for page, size in weights.items() if size > BUDGET}
    assert heavy == {}
