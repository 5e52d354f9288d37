"""Stage 5: the HTML pages, in every language, from the model.

One Jinja2 environment (autoescape on, `StrictUndefined`, so a typo in a
template fails the build instead of printing nothing). Links between pages are
relative, so the same site works at any address (GitHub Pages project path,
a local preview on 127.0.0.1); only `404.html`, which the host serves at any
missing path, uses links from the site root.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import posixpath
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from badgegen import jsonld, mdtext, qr, search, share, urls
from badgegen.i18n import format_date, translate
from badgegen.model import Award, BadgeClass, Earner, Issuer, Registry, Text

Page = tuple[str, bytes]

#: Every page's Content-Security-Policy (a <meta>, so it cannot set frame-ancestors): only the
#: site's own files; scripts from files only (no inline script), no inline style, images also as
#: data: URLs (the icon), no plugins, no <base>. 'wasm-unsafe-eval' (WebAssembly only, not eval)
#: is for the search: Pagefind compiles its WebAssembly in a Web Worker, but falls back to the
#: page itself when a worker cannot start, and then needs it.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


def make_environment(templates: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The one Jinja2 environment: strict, autoescaped, with the Markdown filter.

    Pages are rendered by a copy of it per language (`localized`), whose templates have
    their constant UI texts — `t("key")` without parameters — written in at load time:
    a page then calls no function for most of its words (it was ~80 calls a page).
    With `compiled` (a folder of the build cache), compiled templates are kept there.
    """
    env = _environment(jinja2.FileSystemLoader(templates), _bytecode_cache(compiled))
    env.globals["localized"] = {}
    return env


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the build cache (keyed by their source: never stale)."""
    if folder is None or not folder.is_dir():
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _environment(loader: jinja2.BaseLoader, compiled: jinja2.BytecodeCache | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat() per page
    )
    env.context_class = _Context
    env.filters["markdown"] = mdtext.to_html
    env.globals["icon"] = _icons(env)
    env.globals["fragment"] = _fragments()
    return env


#: Callables that carry Jinja's `pass_context` (or `pass_environment`...) mark on themselves,
#: if at all: a function, a bound method (it shows its function's attributes), a builtin, a
#: `functools.cache` wrapper (it copies its function's attributes).
_PLAIN_CALLABLES = frozenset(
    {types.FunctionType, types.MethodType, types.BuiltinFunctionType, type(functools.cache(len))}
)


class _Context(jinja2.runtime.Context):
    """The pages' template context, whose `call` is quick for plain functions and methods.

    Templates call some fifty functions a page (links, texts, dates, icons). Jinja's
    `Context.call` looks at each callable, and at its `__call__`, for a `pass_context`
    mark, which costs more than most of the calls themselves (a quarter of a page's
    rendering). A plain callable (`_PLAIN_CALLABLES`) without the mark is called here
    exactly as Jinja would call it; anything else (macros, callable objects, marked
    functions) goes through Jinja's own `call`.
    """

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's names)
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


def localized(env: jinja2.Environment, lang: str) -> jinja2.Environment:
    """The environment that renders `lang` pages (made once per language)."""
    copies = cast(dict[str, jinja2.Environment], env.globals["localized"])
    if lang not in copies:
        assert env.loader is not None
        copies[lang] = _environment(
            _TranslatedLoader(env.loader, lang), _bytecode_for(env.bytecode_cache, lang)
        )
    return copies[lang]


def _bytecode_for(compiled: jinja2.BytecodeCache | None, lang: str) -> jinja2.BytecodeCache | None:
    """The compiled templates of one language, apart: Jinja names a cache file after the
    template's name only, so the languages' sources (different texts written in) would
    take turns overwriting each other's, and every build compiled every template again."""
    if isinstance(compiled, jinja2.FileSystemBytecodeCache):
        return jinja2.FileSystemBytecodeCache(compiled.directory, f"__jinja2_{lang}_%s.cache")
    return compiled


def prepare(env: jinja2.Environment, languages: Iterable[str], templates: Iterable[str]) -> None:
    """Compile `templates` for every language now (before forking workers: once, not per worker)."""
    for lang in languages:
        for name in templates:
            localized(env, lang).get_template(name)


_CONSTANT_TEXT = re.compile(r"""(?<![\w.])t\((?:"([a-z0-9_.]+)"|'([a-z0-9_.]+)')\)""")


class _TranslatedLoader(jinja2.BaseLoader):
    """Templates with `t("key")` replaced by the text of `key` in one language, as a literal."""

    def __init__(self, loader: jinja2.BaseLoader, lang: str) -> None:
        self.loader, self.lang = loader, lang

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        return _CONSTANT_TEXT.sub(self._literal, source), filename, uptodate

    def _literal(self, match: re.Match[str]) -> str:
        text = translate(match.group(1) or match.group(2), self.lang)
        if "{" in text or "}" in text:  # not written in: Jinja would see template syntax
            return match.group(0)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _icons(env: jinja2.Environment) -> Callable[[str], Markup]:
    """The `icon(name)` of _icons.html, drawn once per name (it is on every page, many times)."""

    @functools.cache
    def icon(name: str) -> Markup:
        return Markup(env.get_template("_icons.html").module.icon(name))  # type: ignore[attr-defined]

    return icon


#: Whether `{% call fragment(...) %}` remembers its text (the tests turn it off to compare).
FRAGMENTS = True


def _fragments() -> Callable[..., str]:
    """`{% call fragment(*key) %}…{% endcall %}`: a part of a template rendered once per key.

    The frame of every page (stylesheet, menu, footer) is the same for thousands of
    pages: rendered each time, it was a sixth of an award page's cost. The key names
    everything the part shows (the site, the language's environment is the store's own,
    its links' values), so a part is rendered again whenever one of them differs.
    """
    store: dict[tuple[Any, ...], str] = {}

    def fragment(*key: Any, caller: Callable[[], str]) -> str:
        if not FRAGMENTS:
            return caller()
        text = store.get(key)
        if text is None:
            text = store[key] = caller()
        return text

    return fragment


@dataclass(frozen=True)
class PageLinks:
    """How a page links elsewhere: relative to its own folder, or from the site root."""

    page_path: str
    root: str | None = None

    def to(self, target: str) -> str:
        """The link to `target` (a method: templates call it quickly, see `_Context`)."""
        if self.root is not None:
            return self.root + target
        return _relative_link(self.page_path, target)

    __call__ = to


def _relative_link(page_path: str, target: str) -> str:
    """`target` seen from the folder of `page_path`, as `_relative_link_reference` says.

    Every published path is relative to the site root and clean (no empty, `.` or `..`
    part: `trees.check_relpath`), so the link is string arithmetic: climb out of the page's
    folders below the part both paths share, then go down `target`. `posixpath.relpath`
    (which makes both paths absolute from the working folder) cost more than a page's
    text; it still answers for any other path.
    """
    here = _folders_of(page_path)
    if here is not None and _outside(here, target):
        return "../" * len(here) + target
    inner = target[:-1] if target.endswith("/") else target
    target_parts = inner.split("/") if inner else []
    if here is None or target.startswith("/") or not _clean(target_parts):
        return _relative_link_reference(page_path, target)
    shared = 0
    for mine, theirs in zip(here, target_parts, strict=False):
        if mine != theirs:
            break
        shared += 1
    parts = [".."] * (len(here) - shared) + target_parts[shared:]
    if target == "" or target.endswith("/"):
        return "/".join(parts) + "/" if parts else "./"
    return "/".join(parts) if parts else "."


@functools.lru_cache(maxsize=64)
def _folders_of(page_path: str) -> tuple[str, ...] | None:
    """The folders a page is in (remembered: a page asks for all its links in a row), or
    None if its path is not clean."""
    here = page_path.rstrip("/")
    parts = here.split("/") if here else []
    return tuple(parts) if not page_path.startswith("/") and _clean(parts) else None


def _outside(here: tuple[str, ...], target: str) -> bool:
    """Whether `target` is clean, not empty, and shares no folder with a page in `here`: then
    its link climbs out of all of the page's folders and goes down all of `target` (most
    links: an award page's are to other folders), with no need to split it into parts.

    Clean without splitting: no empty part (no leading `/`, no `//`; one trailing `/` is
    the folder form), no `.` or `..` part (no part starts with a dot).
    """
    if not target or target[0] in "/." or "//" in target or "/." in target:
        return False
    return not here or target.partition("/")[0] != here[0]


def _clean(parts: list[str]) -> bool:
    return "" not in parts and "." not in parts and ".." not in parts


def _relative_link_reference(page_path: str, target: str) -> str:
    """`target` seen from the folder of `page_path`, by `posixpath.relpath` (any paths)."""
    here = posixpath.dirname(page_path.rstrip("/") + "/x") if page_path else ""
    if target == "" or target.endswith("/"):
        relative = posixpath.relpath(target or ".", here or ".")
        return "./" if relative == "." else relative + "/"
    return posixpath.relpath(target, here or ".")


def _other_language(path: str, lang: str) -> str:
    return path.removeprefix("en/") if lang == "en" else "en/" + path


def render_pages(
    registry: Registry,
    env: jinja2.Environment,
    *,
    units: bool = True,
    search_parts: Mapping[str, tuple[str, ...]] | None = None,
) -> Iterator[Page]:
    """Every page of the site in every language, as (path, bytes), in a fixed order.

    `units=False` leaves out the award, badge and issuer pages and the portfolios (the build
    produces them unit by unit — `award_pages`, `badge_pages`, `issuer_pages`, `earner_pages` —
    and keeps those that did not change). `search_parts`: by language, the folders of the
    search index's parts that its search page merges (`search.shards`), besides `pagefind/`.
    """
    for lang in registry.site.languages:
        parts = (search_parts or {}).get(lang, ())
        yield from _pages_in(registry, env, lang, units=units, search_parts=parts)
    yield "404.html", _render(env, "404.html", _context(registry, "404.html", "fr", root=True))
    yield from sitemaps(registry)
    yield urls.robots(), robots(registry)


def xml_escape(text: str) -> str:
    """`xml.sax.saxutils.escape`: that module imports `urllib.request` (and with it `http`,
    `ssl`, `email`), 15 ms of every build for three replacements."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """`xml.sax.saxutils.quoteattr` (see `xml_escape`): `text` escaped and quoted as an
    attribute value."""
    text = xml_escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


#: The most addresses one sitemap file lists. The protocol allows 50 000 (and 50 MB); smaller
#: parts are written with less memory (10 MB for 30 000 addresses in one file at 50 000 awards).
SITEMAP_URLS = 10_000


def sitemaps(registry: Registry, most: int = SITEMAP_URLS) -> Iterator[Page]:
    """sitemap.xml: the pages search engines may index, each with its other languages.

    Only what listings show: home, catalogue, issuers, every badge and issuer page,
    and the awards whose earners agreed to be listed (`listed: true`); an unlisted
    award never appears here. No <lastmod>: the build has no true date to give.

    Up to `most` addresses, one file. Beyond, `sitemap.xml` is a sitemap index naming
    `sitemap-1.xml`, `sitemap-2.xml`… of `most` addresses each (sitemaps.org: at most
    50 000 in a file), each made on its own.
    """
    base, languages = registry.site.base_url, registry.site.languages
    pages: list[Callable[[str], str]] = [urls.page, urls.catalogue_page, urls.issuers_page]
    pages += [functools.partial(urls.badge_page, badge) for badge in registry.badges.values()]
    pages += [functools.partial(urls.issuer_page, issuer) for issuer in registry.issuers.values()]
    pages += [functools.partial(urls.award_page, award) for award in registry.awards.values() if award.listed]
    total = len(pages) * len(languages)
    if total <= most:
        yield urls.sitemap(), _urlset(_sitemap_entries(base, languages, pages))
        return
    parts = -(-total // most)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for number in range(1, parts + 1):
        lines += [
            "  <sitemap>",
            f"    <loc>{xml_escape(base + urls.sitemap_part(number))}</loc>",
            "  </sitemap>",
        ]
    lines.append("</sitemapindex>")
    yield urls.sitemap(), ("\n".join(lines) + "\n").encode("utf-8")
    entries = _sitemap_entries(base, languages, pages)
    for number in range(1, parts + 1):
        yield urls.sitemap_part(number), _urlset(itertools.islice(entries, most))


def _sitemap_entries(
    base: str, languages: tuple[str, ...], pages: list[Callable[[str], str]]
) -> Iterator[list[str]]:
    """The lines of each address's <url>, page by page, each page in every language."""
    for page in pages:
        addresses = [base + page(lang) for lang in languages]  # each once, not once per language
        alternates = (
            [
                f'    <xhtml:link rel="alternate" hreflang="{other}" href={quoteattr(address)}/>'
                for other, address in zip(languages, addresses, strict=True)
            ]
            if len(languages) > 1
            else []
        )
        for address in addresses:
            yield ["  <url>", f"    <loc>{xml_escape(address)}</loc>", *alternates, "  </url>"]


def _urlset(entries: Iterable[list[str]]) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for entry in entries:
        lines += entry
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(registry: Registry) -> bytes:
    """robots.txt: everything may be crawled (unlisted pages say noindex themselves), and the sitemap.

    Crawlers read it only at the root of a host: under a project path (GitHub Pages
    project sites) it is ignored, and the sitemap is to be submitted by hand.
    """
    return (
        "# Tout peut être lu ; les pages d'attributions non listées portent « noindex ».\n"
        "User-agent: *\n"
        "Allow: /\n"
        "\n"
        f"Sitemap: {registry.site.base_url}{urls.sitemap()}\n"
    ).encode()


def award_pages(registry: Registry, env: jinja2.Environment, award: Award) -> Iterator[Page]:
    """The page of one award, in every language."""
    for lang in registry.site.languages:
        yield _page(env, registry, lang, urls.award_page(award, lang), "award.html", award=award)


def badge_pages(registry: Registry, env: jinja2.Environment, badge: BadgeClass) -> Iterator[Page]:
    """The page of one badge class, in every language."""
    for lang in registry.site.languages:
        yield _page(env, registry, lang, urls.badge_page(badge, lang), "badge.html", badge=badge)


def issuer_pages(registry: Registry, env: jinja2.Environment, issuer: Issuer) -> Iterator[Page]:
    """The page of one issuer, in every language."""
    for lang in registry.site.languages:
        yield _page(env, registry, lang, urls.issuer_page(issuer, lang), "issuer.html", issuer=issuer)


def earner_pages(registry: Registry, env: jinja2.Environment, earner: Earner) -> Iterator[Page]:
    """The portfolio of one person and its printable sheet, in every language."""
    for lang in registry.site.languages:
        yield from _earner_pages_in(registry, env, lang, earner)


def _earner_pages_in(
    registry: Registry, env: jinja2.Environment, lang: str, earner: Earner
) -> Iterator[Page]:
    yield _page(env, registry, lang, urls.earner_page(earner, lang), "earner.html", earner=earner)
    print_page = urls.earner_print_page(earner, lang)
    yield _page(env, registry, lang, print_page, "earner_print.html", earner=earner, qr=qr.svg)


def _pages_in(
    registry: Registry, env: jinja2.Environment, lang: str, *, units: bool, search_parts: tuple[str, ...]
) -> Iterator[Page]:
    yield _page(
        env, registry, lang, urls.page(lang), "home.html", recent=recent_awards(registry.awards.values())
    )
    yield _page(env, registry, lang, urls.catalogue_page(lang), "catalogue.html")
    yield _page(env, registry, lang, urls.issuers_page(lang), "issuers.html")
    yield _page(env, registry, lang, urls.verifier_page(lang), "verifier.html")
    if units:
        for badge in registry.badges.values():
            yield _page(env, registry, lang, urls.badge_page(badge, lang), "badge.html", badge=badge)
        for issuer in registry.issuers.values():
            yield _page(env, registry, lang, urls.issuer_page(issuer, lang), "issuer.html", issuer=issuer)
        for award in registry.awards.values():
            yield _page(env, registry, lang, urls.award_page(award, lang), "award.html", award=award)
    filters = search.search_filters(registry, lang)
    yield _page(
        env,
        registry,
        lang,
        urls.search_page(lang),
        "search.html",
        search_filters=filters,
        search_parts=search_parts,
    )
    if units:
        for earner in registry.earners.values():  # portfolios: linked from their awards, listed nowhere
            yield from _earner_pages_in(registry, env, lang, earner)


def recent_awards(awards: Iterable[Award], count: int = 6) -> list[Award]:
    """The home page's latest listed awards, the latest first (ties: the greater id first).

    `heapq.nlargest`, not a sort of every listed award (twice a build, one per language)."""
    return heapq.nlargest(count, (award for award in awards if award.listed), key=_issued_order)


def _issued_order(award: Award) -> tuple[datetime, str]:
    return award.issued_on, award.id


def _page(
    env: jinja2.Environment, registry: Registry, lang: str, path: str, template: str, **extra: Any
) -> Page:
    context = _context(registry, path, lang)
    context.update(extra)
    return path + "index.html", _render(env, template, context)


def _render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> bytes:
    return localized(env, context["lang"]).get_template(template).render(context).encode("utf-8")


def _context(registry: Registry, path: str, lang: str, *, root: bool = False) -> dict[str, Any]:
    """What every template gets: the registry, the language and link helpers."""
    site = registry.site
    link = PageLinks(path, urlsplit(site.base_url).path if root else None)
    return {
        "registry": registry,
        "site": site,
        "lang": lang,
        "page_path": path,
        "canonical": site.base_url + path,
        "alternate": site.base_url + _other_language(path, lang) if not root else None,
        "alternate_link": link(_other_language(path, lang)) if not root else None,
        "other_lang": "en" if lang == "fr" else "fr",
        # French puts a (non-breaking) space before a colon, English does not.
        "colon": "\u00a0:" if lang == "fr" else ":",
        "url": link.to,
        "t": lambda key, **params: translate(key, lang, **params),
        "tx": lambda text: _text(text, lang),
        "date": lambda moment: format_date(moment, lang, site.timezone),
        "urls": urls,
        "status": registry.status,
        "endorsements_of": registry.endorsements_of,
        "evidence_url": lambda item: jsonld.evidence_url(registry, item),
        "subject_link": _subject_link(registry, lang, link),
        "subject_name": _subject_name(registry, lang),
        "share": share.Share(registry, lang, link),
        "csp": CONTENT_SECURITY_POLICY,
        "search_facts": lambda subject: search.page_facts(registry, subject, lang),
        "earner_of": registry.earner_of,
    }


def _text(text: Text | None, lang: str) -> str:
    return "" if text is None else text.get(lang)


def _subject_link(registry: Registry, lang: str, link: PageLinks) -> Callable[[Any], str]:
    def subject_link(endorsement: Any) -> str:
        subject: Award | BadgeClass | Issuer
        if endorsement.subject_kind == "award":
            subject = registry.awards[endorsement.subject_id]
            return link(urls.award_page(subject, lang))
        if endorsement.subject_kind == "badge":
            subject = registry.badges[endorsement.subject_id]
            return link(urls.badge_page(subject, lang))
        subject = registry.issuers[endorsement.subject_id]
        return link(urls.issuer_page(subject, lang))

    return subject_link


def _subject_name(registry: Registry, lang: str) -> Callable[[Any], str]:
    def subject_name(endorsement: Any) -> str:
        if endorsement.subject_kind == "award":
            return registry.awards[endorsement.subject_id].badge.name.get(lang)
        if endorsement.subject_kind == "badge":
            return registry.badges[endorsement.subject_id].name.get(lang)
        return registry.issuers[endorsement.subject_id].name

    return subject_name
