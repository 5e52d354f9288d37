"""Markdown from content, rendered to HTML that is safe to put in a page.

Coordinators write criteria and narratives in Markdown. Python-Markdown keeps
raw HTML, so its output is cleaned by nh3 (a binding to the Rust `ammonia`
sanitiser, maintained and fast) with a short allow-list: text formatting,
lists and links, nothing that runs or loads anything. Links get
`rel="noopener noreferrer nofollow"`.
"""

from __future__ import annotations

from functools import cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "h3", "h4"}
_ATTRIBUTES = {"a": {"href", "title"}}


@cache
def _converter() -> markdown_lib.Markdown:
    return markdown_lib.Markdown(extensions=["sane_lists"], output_format="html")


def to_html(source: str) -> Markup:
    """Markdown `source` → sanitised HTML, marked safe for Jinja2."""
    converter = _converter()
    converter.reset()
    html = converter.convert(source)
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # safe: sanitised by nh3 just above
