"""The plain-text fast path of `badgegen.mdtext` gives exactly Python-Markdown's HTML."""

from __future__ import annotations

import nh3
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen import mdtext

WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from(" \n.,;:!?'\"()/%€@0123456789-+"),
    max_size=200,
)


@settings(max_examples=600, deadline=None)
@given(WORDS)
def test_plain_fast_path_equals_python_markdown(source: str) -> None:
    fast = mdtext.to_html(source)
    full = mdtext._clean(mdtext.markdown_html(source))
    assert fast == full


def test_example_narratives_take_the_fast_path() -> None:
    text = "A tondu et taillé les espaces verts d'une résidence pendant deux mois.\nVérifie le matériel.\n\nDeuxième paragraphe."
    assert mdtext.is_plain(text)
    assert mdtext.to_html(text) == mdtext._clean(mdtext.markdown_html(text))
    assert not mdtext.is_plain("Un **mot** en gras")
    assert not mdtext.is_plain("- une liste")
    assert not mdtext.is_plain("2026. Une année")


SENTENCES = st.lists(
    st.text(
        alphabet=st.sampled_from("abcdeéèàçôÉ ABCXYZ0123456789.,;:!?'\"()/%€@-+"), min_size=1, max_size=60
    ),
    min_size=1,
    max_size=6,
).map(lambda lines: "\n".join(lines))


@settings(max_examples=600, deadline=None)
@given(SENTENCES, st.sampled_from(["\n", "\n\n", "\n \n", "\n\n\n"]))
def test_plain_texts_with_paragraphs(source: str, separator: str) -> None:
    """Texts most likely plain (the fast path), with every kind of paragraph break."""
    text = source.replace("\n", separator, 1)
    assert mdtext.to_html(text) == mdtext._clean(mdtext.markdown_html(text))


#: Pieces of HTML that a sanitiser must keep, rewrite or remove.
_HTML_PIECES = [*"ab <>/=\"'&#:;.-_", "<a href=", "<script>", "javascript:", "<p>", "</p>", "<em>", "mailto:"]


@given(st.lists(st.sampled_from([*_HTML_PIECES, "<img src=x onerror=y>", "https://x.org/"]), max_size=40))
def test_the_reusable_sanitiser_equals_nh3_clean(pieces: list[str]) -> None:
    html = "".join(pieces)
    assert mdtext._sanitiser()(html) == nh3.clean(html, **mdtext._SANITISER_OPTIONS)


MARKDOWNISH = st.lists(
    st.sampled_from(
        ["- un", "* deux", "1. trois", "2) quatre", "", "  - sous", "texte", "**gras**", "> cite", "10. dix"]
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_the_extension_given_itself_converts_as_the_extension_named(source: str) -> None:
    """The converter is given the `sane_lists` extension itself, not its name (a name is looked
    up among every installed package's entry points): Python-Markdown makes the same HTML."""
    import markdown

    named = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    assert mdtext.markdown_html(source) == named.convert(source)


def test_converting_markdown_looks_up_no_entry_point() -> None:
    """`importlib.metadata` (imported to look up a named extension) stays unloaded."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom badgegen import mdtext\n"
        "assert '<ol>' in mdtext.markdown_html('1. un\\n2. deux')\n"
        "print('importlib.metadata' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
