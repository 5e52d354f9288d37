"""Markdown from content, rendered to HTML that is safe to put in a page.

Coordinators write criteria and narratives in Markdown. Python-Markdown keeps
raw HTML, so its output is cleaned by nh3 (a binding to the Rust `ammonia`
sanitiser, maintained and fast) with a short allow-list: text formatting,
lists and links, nothing that runs or loads anything. Links get
`rel="noopener noreferrer nofollow"`.

Most narratives are plain sentences: for a text with nothing Markdown could read
as syntax (`_plain()`), the paragraphs are made directly, then cleaned by nh3 the
same way — about ten times faster than Python-Markdown, and the same bytes
(tests/test_mdtext.py checks it on generated texts, hypothesis).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import nh3
from markupsafe import Markup

if TYPE_CHECKING:
    import markdown

_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "h3", "h4"}
_ATTRIBUTES = {"a": {"href", "title"}}


@cache
def _converter() -> markdown.Markdown:
    import markdown  # (imported when a text is first converted: a build that keeps every page needs none)
    from markdown.extensions.sane_lists import SaneListExtension

    # The extension itself, not its name: a name is looked up among the entry points of every
    # installed package first (`importlib.metadata`), 35 ms of a rebuild that changed one award.
    return markdown.Markdown(extensions=[SaneListExtension()], output_format="html")


#: What makes a text more than plain paragraphs: Markdown or HTML syntax anywhere, a line
#: that could open a block (list, heading, quote, code, rule), a hard line break.
_NOT_PLAIN = re.compile(
    r"[\\`*_\[\]<>&#|~=]|^[ \t]|^[-+>]|^\d+[.)]| $|\t|\r|[^\S\n ]",
    re.MULTILINE,
)
_BLANK_LINES = re.compile(r"\n[ ]*\n(?:[ ]*\n)*")


def is_plain(source: str) -> bool:
    """Whether `source` is only sentences and paragraphs (see the module doc)."""
    return _NOT_PLAIN.search(source) is None


def _plain(source: str) -> str:
    paragraphs = [p.strip("\n ") for p in _BLANK_LINES.split(source.strip("\n "))]
    return "\n".join(f"<p>{p}</p>" for p in paragraphs if p)


@lru_cache(maxsize=4096)
def to_html(source: str) -> Markup:
    """Markdown `source` → sanitised HTML, marked safe for Jinja2.

    Remembered: a badge's description is on its page and on every award page of it (thousands),
    and the result (an immutable `Markup`) depends on the text only.
    """
    return _clean(_plain(source) if is_plain(source) else markdown_html(source))


def markdown_html(source: str) -> str:
    """What Python-Markdown makes of `source` (before cleaning)."""
    converter = _converter()
    converter.reset()
    return str(converter.convert(source))


#: What the sanitiser keeps: our tags and attributes, web and mail links, safe `rel`.
_SANITISER_OPTIONS: dict[str, Any] = {
    "tags": _TAGS,
    "attributes": _ATTRIBUTES,
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": "noopener noreferrer nofollow",
}


def _clean(html: str) -> Markup:
    return Markup(_sanitiser()(html))  # safe: sanitised by nh3


@cache
def _sanitiser() -> Callable[[str], str]:
    """nh3's reusable `Cleaner` (its settings built once: 3 µs a text instead of 14), or
    `nh3.clean` itself with an nh3 that has none; both give the same HTML."""
    cleaner = getattr(nh3, "Cleaner", None)
    if cleaner is None:
        return functools.partial(nh3.clean, **_SANITISER_OPTIONS)
    clean: Callable[[str], str] = cleaner(**_SANITISER_OPTIONS).clean
    return clean
