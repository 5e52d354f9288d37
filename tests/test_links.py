"""Every page of the built example site links only to files it publishes, and stays script-free.

No browser: each HTML file is read with html.parser. A relative link must name a file of
the site (a folder link means its index.html) and a #fragment an id of the target page;
links into the site written from its root or as full URLs (the 404 page, canonical and
alternate links) are checked the same way. Pages keep no inline script (a JSON data
block is not one), no event handler attribute, no style attribute and no stylesheet from
elsewhere, and every image says what it shows (or alt="").
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from badgegen.cli import main

REPO = Path(__file__).resolve().parent.parent
BASE = "https://registre.example.org/iae/"  # served below a path, as on GitHub Pages
BASE_PATH = urlsplit(BASE).path
LINK_ATTRIBUTES = {"href", "src", "poster", "action"}  # action: the search forms


@dataclass
class Page:
    """What the tests need from one HTML file."""

    path: str  # relative to the site root, e.g. "badges/x/index.html"
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    ids: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    inline_scripts: int = 0
    style_attributes: list[str] = field(default_factory=list)
    event_handlers: list[str] = field(default_factory=list)
    stylesheets: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name in LINK_ATTRIBUTES and value is not None:
                self.page.links.append((tag, name, value))
            elif name == "id" and value is not None:
                self.page.ids.append(value)
            elif name == "style":
                self.page.style_attributes.append(tag)
            elif name.startswith("on"):
                self.page.event_handlers.append(f"{tag} {name}")
        if tag == "img" and "alt" not in values:
            self.page.images_without_alt.append(values.get("src") or "?")
        # A JSON data block (the verifier's words) is data, not a script: browsers never run it.
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.page.inline_scripts += 1
        if tag == "link" and "stylesheet" in (values.get("rel") or "").split():
            self.page.stylesheets.append(values.get("href") or "")

    handle_startendtag = handle_starttag


def _read(site: Path, file: Path) -> Page:
    page = Page(file.relative_to(site).as_posix())
    reader = _Reader(page)
    reader.feed(file.read_text("utf-8"))
    reader.close()
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("links") / "site"
    with pytest.MonkeyPatch.context() as mp:
        from conftest import SOURCE_DATE_EPOCH

        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        assert (
            main(
                [
                    "build",
                    "--content",
                    str(REPO / "content"),
                    "--out",
                    str(out),
                    "--base-url",
                    BASE,
                    "--frozen-ledger",
                ]
            )
            == 0
        )
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Page]:
    found = {p.path: p for p in (_read(site, f) for f in sorted(site.rglob("*.html")))}
    assert "index.html" in found and "en/index.html" in found and "404.html" in found
    return found


def _target(page: Page, value: str, tag: str = "a") -> str | None:
    """The site path a link points to (may end with "/"), or None for a link that leaves the site.

    Raises AssertionError for a link that should not be there (an unknown scheme, or the
    site's own host outside its base path). The only data: URL allowed is the icon's <link>.
    """
    parts = urlsplit(value)
    if parts.scheme in {"mailto", "tel"} or (tag == "link" and value.startswith("data:image/")):
        return None
    if parts.scheme or parts.netloc:
        assert parts.scheme in {"http", "https"}, f"{page.path}: unexpected link {value!r}"
        if not value.startswith(BASE):
            assert parts.netloc != urlsplit(BASE).netloc, f"{page.path}: outside the site: {value!r}"
            return None
        return unquote(parts.path).removeprefix(BASE_PATH)
    path = unquote(parts.path)
    if path.startswith("/"):
        assert path.startswith(BASE_PATH), f"{page.path}: {value!r} misses the base path {BASE_PATH}"
        return path.removeprefix(BASE_PATH)
    if not path:  # "#fragment" alone: this very page
        return page.path
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page.path), path))
    assert not joined.startswith(".."), f"{page.path}: {value!r} climbs out of the site"
    return "" if joined == "." else joined + ("/" if path.endswith("/") else "")


def _file_for(site: Path, target: str) -> Path | None:
    """The file a site path is served from (a folder serves its index.html), if it exists."""
    candidate = site / target if target else site
    if target == "" or target.endswith("/"):
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def test_every_link_names_a_published_file(site: Path, pages: dict[str, Page]) -> None:
    broken = []
    checked = 0
    for page in pages.values():
        for tag, attribute, value in page.links:
            target = _target(page, value, tag)
            if target is None:
                continue
            checked += 1
            if (site / target).is_dir() and not target.endswith("/") and target != "":
                broken.append(f"{page.path}: <{tag} {attribute}={value!r}> names a folder without a final /")
            elif _file_for(site, target) is None:
                broken.append(f"{page.path}: <{tag} {attribute}={value!r}> → {target!r} does not exist")
    assert checked > 500, "the site should have many internal links"
    assert broken == []


def test_every_fragment_names_an_id_of_its_page(site: Path, pages: dict[str, Page]) -> None:
    broken = []
    for page in pages.values():
        for tag, attribute, value in page.links:
            fragment = urlsplit(value).fragment
            target = _target(page, value, tag)
            if not fragment or target is None:
                continue
            file = _file_for(site, target)
            assert file is not None, value
            other = pages.get(file.relative_to(site).as_posix())
            if other is None or unquote(fragment) not in other.ids:
                broken.append(f"{page.path}: <{tag} {attribute}={value!r}> has no such id")
    assert broken == []


def test_ids_are_unique_on_every_page(pages: dict[str, Page]) -> None:
    for page in pages.values():
        repeated = sorted(i for i, n in Counter(page.ids).items() if n > 1)
        assert repeated == [], f"{page.path} repeats ids {repeated}"


def test_every_image_has_an_alt_attribute(pages: dict[str, Page]) -> None:
    for page in pages.values():
        assert page.images_without_alt == [], page.path


def test_no_inline_script_or_style_attribute(pages: dict[str, Page]) -> None:
    for page in pages.values():
        assert page.inline_scripts == 0, f"{page.path} has an inline <script>"
        assert page.event_handlers == [], f"{page.path} has inline event handlers"
        assert page.style_attributes == [], f"{page.path} has style= on {page.style_attributes}"


def test_only_the_sites_own_stylesheet(site: Path, pages: dict[str, Page]) -> None:
    for page in pages.values():
        assert len(page.stylesheets) == 1, page.path
        target = _target(page, page.stylesheets[0])
        assert target == "static/style.css", f"{page.path}: stylesheet {page.stylesheets[0]!r}"
        assert _file_for(site, target) is not None
