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

import re
from functools import cache, lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "h3", "h4"}
_ATTRIBUTES = {"a": {"href", "title"}}


@cache
def _converter() -> markdown_lib.Markdown:
    return markdown_lib.Markdown(extensions=["sane_lists"], output_format="html")


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


def _clean(html: str) -> Markup:
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # safe: sanitised by nh3 just above
