"""Shortcuts of badgegen.render give what the general code gives.

`_relative_link` computes a page's links by string arithmetic when both paths are clean
(every published path is); `_relative_link_reference` (posixpath.relpath) is the reference,
and still answers for any other path.

Parts of templates are rendered once per key (`{% call fragment(...) %}`): every page, of
the example registry and of a generated one, is the same with them rendered every time.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import jinja2
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from badgegen import render
from badgegen.pipeline import DEFAULT_TEMPLATES, BuildConfig, check
from badgegen.render import _relative_link, _relative_link_reference

PART = st.sampled_from(["a", "b", "en", "assertions", "x.json", "é", ".", "..", ""])
PATHS = st.lists(PART, max_size=5).map("/".join) | st.lists(PART, max_size=5).map(lambda p: "/".join(p) + "/")


@settings(max_examples=3000, deadline=None)
@given(PATHS, PATHS)
@example("assertions/abc/", "assertions/abc.json")
@example("en/assertions/abc/", "")
@example("badges/x/", "badges/")
@example("", "/")
@example("/", "a/")
def test_links_are_those_posixpath_relpath_gives(page_path: str, target: str) -> None:
    assert _relative_link(page_path, target) == _relative_link_reference(page_path, target)


def test_the_pages_context_calls_functions_as_jinja_does() -> None:
    """`_Context.call` takes a shortcut for plain functions: marked ones still get the context."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.context_class = render._Context

    @jinja2.pass_context
    def page(context: jinja2.runtime.Context) -> str:
        return str(context["lang"])

    def stops() -> str:
        raise StopIteration

    class Callable:
        def __call__(self, word: str) -> str:
            return word.upper()

    template = env.from_string(
        "{{ plain('a', b='c') }} {{ page() }} {{ obj('x') }} {{ method() }} {{ cached(3) }}"
        "{% for i in [1] %} {{ page() }}{% endfor %}"
    )
    context = {
        "plain": lambda a, b: a + b,
        "page": page,
        "obj": Callable(),
        "method": "word".title,
        "cached": functools.cache(lambda n: n * 2),
        "lang": "fr",
    }
    assert template.render(context) == "ac fr X Word 6 fr"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ stops() }}").render(stops=stops)


REPO = Path(__file__).resolve().parent.parent


def _all_pages(content: Path) -> list[tuple[str, bytes]]:
    registry = check(BuildConfig(content=content, update_ledger=False, use_cache=False)).registry
    assert registry is not None
    return list(render.render_pages(registry, render.make_environment(DEFAULT_TEMPLATES)))


@pytest.mark.parametrize("registry", ["example", "generated"])
def test_fragments_give_the_pages_rendered_whole(
    registry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page (awards of all three states, with and without evidence, badges, issuers,
    portfolios, listings, 404) is the same whether its fragments are remembered or not."""
    content = REPO / "content"
    if registry == "generated":
        sys.path.insert(0, str(REPO / "bench"))
        try:
            import synth  # the benchmark's generator
        finally:
            sys.path.remove(str(REPO / "bench"))
        content = synth.generate(tmp_path / "registry", 300, seed=7)
    remembered = _all_pages(content)
    monkeypatch.setattr(render, "FRAGMENTS", False)
    whole = _all_pages(content)
    assert [path for path, _ in remembered] == [path for path, _ in whole]
    for (path, fast), (_, plain) in zip(remembered, whole, strict=True):
        assert fast == plain, path


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab&<>\"'\n\r\té") | st.characters()))
@example("a\"b'c")
@example("https://registre.example.org/iae/?a=1&b=2")
def test_sitemap_escapes_are_those_of_xml_sax_saxutils(text: str) -> None:
    """The sitemap's own escapes (xml.sax.saxutils imports urllib.request: 15 ms per build)."""
    from xml.sax import saxutils

    assert render.xml_escape(text) == saxutils.escape(text)
    assert render.quoteattr(text) == saxutils.quoteattr(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=8))
def test_unit_key_digests_are_those_of_updating_part_by_part(parts: list[bytes]) -> None:
    """`units._digest` hashes the parts in one call: the same digest as one update per part."""
    import hashlib

    from badgegen import units

    reference = hashlib.blake2b(digest_size=16)
    for part in parts:
        reference.update(len(part).to_bytes(8, "big"))
        reference.update(part)
    assert units._digest(*parts) == reference.digest()


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.booleans()),  # (day, listed); several awards per day
        max_size=20,
    )
)
def test_recent_awards_are_the_sorted_listed_awards_latest_first(drawn: list[tuple[int, bool]]) -> None:
    """The home page's six latest listed awards: `heapq.nlargest` gives what sorting every
    listed award by (date, id), reversed, gave; ties on a date are broken by the id."""
    from datetime import UTC, datetime, timedelta

    from badgegen.render import recent_awards

    class Shown:
        def __init__(self, number: int, day: int, listed: bool) -> None:
            self.id = f"a-{number:02d}"
            self.issued_on = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day)
            self.listed = listed

    awards = [Shown(number, day, listed) for number, (day, listed) in enumerate(drawn)]
    listed = sorted((a for a in awards if a.listed), key=lambda a: (a.issued_on, a.id))
    assert recent_awards(awards) == list(reversed(listed))[:6]  # type: ignore[arg-type]
