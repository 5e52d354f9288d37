"""How the search index is cut into parts (`search.shards`, `search.badge_groups`).

A part is what Pagefind indexes again when one of its pages changes, and what one Pagefind
process holds in memory (about 67 KB a page here). A badge's pages and its listed awards'
stay together while they fit in half a part; a popular badge's are split, so that no part
grows with the most awarded badge.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen.pipeline import BuildConfig, check
from badgegen.search import _spread, badge_groups, indexed_pages, shards, whole_answers

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class _Award:
    id: str


_ids = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz234567", min_size=20, max_size=20), unique=True, max_size=400
)


@settings(max_examples=300, deadline=None)
@given(ids=_ids, languages=st.integers(1, 3), group_pages=st.integers(1, 600), data=st.data())
def test_a_badge_is_one_group_while_it_fits_else_groups_that_do_not_depend_on_the_order(
    ids: list[str], languages: int, group_pages: int, data: st.DataObject
) -> None:
    awards: list[Any] = [_Award(i) for i in ids]
    groups = badge_groups("semer", awards, languages, group_pages)
    assert groups.keys() == {"semer", *ids}
    pages = languages * (1 + len(ids))
    if pages <= group_pages:
        assert set(groups.values()) == {"badge:semer"}
        return
    split = -(-pages // group_pages)  # the fewest groups of at most `group_pages` on average
    assert groups["semer"] == "badge:semer/0"
    assert {name.rpartition("/")[0] for name in groups.values()} == {"badge:semer"}
    assert {int(name.rpartition("/")[2]) for name in groups.values()} <= set(range(split))
    # An award's group depends on its id only (and on the number of groups): not on the others'
    # order, and not on another award added as long as the number of groups stays.
    shuffled = data.draw(st.permutations(awards))
    assert badge_groups("semer", shuffled, languages, group_pages) == groups
    if languages * (2 + len(ids)) <= split * group_pages:
        more = badge_groups("semer", [*awards, _Award("z" * 21)], languages, group_pages)
        assert {key: more[key] for key in groups} == groups


_groups = st.dictionaries(
    st.text(alphabet="abcdefgh:/0123", min_size=1, max_size=8),
    st.integers(1, 30),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(sizes=_groups, shard_pages=st.integers(1, 120), data=st.data())
def test_groups_are_spread_whole_and_stay_in_their_part_while_the_count_stays(
    sizes: dict[str, int], shard_pages: int, data: st.DataObject
) -> None:
    """A language's groups in parts (`_spread`): every page once, each group whole in one part,
    as many parts as `shard_pages` asks at most; a page added to one group moves no other group
    while the number of parts stays (only that group's part is indexed again)."""
    groups = {name: [f"{name}#{n}" for n in range(size)] for name, size in sizes.items()}
    parts = _spread(groups, shard_pages)
    total = sum(sizes.values())
    assert sorted(page for part in parts for page in part) == sorted(p for ps in groups.values() for p in ps)
    assert 1 <= len(parts) <= -(-total // shard_pages) and all(parts)
    part_of = {page: number for number, part in enumerate(parts) for page in part}
    assert all(len({part_of[page] for page in pages}) == 1 for pages in groups.values())
    grown = data.draw(st.sampled_from(sorted(groups)))
    more = {name: [*pages, f"{name}#new"] if name == grown else pages for name, pages in groups.items()}
    after = _spread(more, shard_pages)
    if -(-(total + 1) // shard_pages) == -(-total // shard_pages):
        kept = [part for part in parts if not any(page.startswith(f"{grown}#") for page in part)]
        assert all(part in after for part in kept)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The benchmark's synthetic registry (bench/synth.py), 400 awards: its badges are unevenly
    awarded, like a real network's."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import synth  # the benchmark's generator
    finally:
        sys.path.remove(str(REPO / "bench"))
    content = synth.generate(tmp_path_factory.mktemp("parts") / "registry", 400, seed=3)
    config = BuildConfig(content=content, out=content.parent / "site", use_cache=False)
    return check(config).registry


def _listed_pages_by_badge(registry: Any) -> Counter[str]:
    """The pages of each badge and of its listed awards, in one language."""
    found: Counter[str] = Counter(dict.fromkeys(registry.badges, 1))
    for award in registry.awards.values():
        if award.listed:
            found[award.badge.slug] += 1
    return found


@pytest.mark.parametrize("shard_pages", [8, 12, 16])
def test_parts_hold_every_indexed_page_once_each_part_one_language_and_a_popular_badge_is_spread(
    generated: Any, shard_pages: int
) -> None:
    parts = shards(generated, shard_pages)
    pages = [page for part in parts for page in part.pages]
    assert sorted(pages) == sorted(indexed_pages(generated))
    assert [part.number for part in parts] == list(range(len(parts)))
    # The first part: the issuers' pages in every language (it ships each language's WebAssembly).
    first, *others = parts
    assert first.lang is None
    assert sorted(first.pages) == sorted(page for page in pages if "issuers/" in page)
    assert {_language(page) for page in first.pages} == {"fr", "en"}
    # The others: one language each, every language its own parts.
    for part in others:
        assert part.lang in ("fr", "en")
        assert {_language(page) for page in part.pages} == {part.lang}, part.number
    assert {part.lang for part in others} == {"fr", "en"}
    part_of = {page: part.number for part in parts for page in part.pages}
    by_badge = _listed_pages_by_badge(generated)
    small = [slug for slug, count in by_badge.items() if count <= shard_pages // 2]
    large = [slug for slug, count in by_badge.items() if count > shard_pages // 2]
    assert small and large, "the registry has both kinds of badges"
    spread = set()
    for lang in ("fr", "en"):
        for slug in small:  # with all its listed awards, in one part of each language
            in_lang = [page for page in _pages_of(generated, slug) if _language(page) == lang]
            assert len({part_of[page] for page in in_lang}) == 1, (slug, lang)
        for slug in large:  # its awards in groups of half a part, each group whole in one part
            listed = [a for a in generated.awards.values() if a.badge.slug == slug and a.listed]
            group_of = badge_groups(slug, listed, 1, shard_pages // 2)
            assert all(name.startswith(f"badge:{slug}/") for name in group_of.values()), slug
            parts_of_group: dict[str, set[int]] = {}
            for page in _pages_of(generated, slug):
                if _language(page) == lang:
                    parts_of_group.setdefault(group_of[_key_of(page)], set()).add(part_of[page])
            assert all(len(found) == 1 for found in parts_of_group.values()), (slug, lang)
            if len(set().union(*parts_of_group.values())) > 1:
                spread.add(slug)
    assert spread, "a popular badge's groups are spread over more than one part"


def test_a_registry_that_fits_in_a_part_has_one_with_every_language(generated: Any) -> None:
    """Up to `shard_pages` indexed pages: `pagefind/` alone, in the order of `indexed_pages`."""
    total = len(indexed_pages(generated))
    assert [(part.number, part.lang, part.pages) for part in shards(generated, total)] == [
        (0, None, tuple(indexed_pages(generated)))
    ]
    assert len(shards(generated, total - 1)) > 1


def test_a_french_only_registry_has_parts_in_french_and_the_first_one(generated: Any) -> None:
    """One language: the first part holds its issuers' pages, every other part its pages."""
    registry = dataclasses.replace(generated, site=dataclasses.replace(generated.site, languages=("fr",)))
    parts = shards(registry, 12)
    assert len(parts) > 2
    assert [page for part in parts for page in part.pages if _language(page) == "en"] == []
    assert sorted(page for part in parts for page in part.pages) == sorted(indexed_pages(registry))
    assert parts[0].lang is None and all(part.lang == "fr" for part in parts[1:])
    assert all("issuers/" in page for page in parts[0].pages)


def _key_of(page: str) -> str:
    """The badge slug or award id of a badge or award page (`[en/]badges/<slug>/index.html`)."""
    return page.removeprefix("en/").split("/")[1]


def _language(page: str) -> str:
    """The language of an indexed page: English pages are under `en/`, French ones at the root."""
    return "en" if page.startswith("en/") else "fr"


def _pages_of(registry: Any, slug: str) -> list[str]:
    """The indexed pages of a badge and of its listed awards (every language)."""
    badge = registry.badges[slug]
    marks = [f"badges/{slug}/"]
    marks += [f"assertions/{a.id}/" for a in registry.awards.values() if a.badge is badge and a.listed]
    return [page for page in indexed_pages(registry) if any(mark in page for mark in marks)]


_answers = st.lists(st.binary(max_size=40).map(lambda raw: base64.b64encode(raw)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(answers=_answers, data=st.data())
def test_answers_cut_anywhere_by_reads_come_out_whole_and_in_order(
    answers: list[bytes], data: st.DataObject
) -> None:
    """`whole_answers`: however the service's output is cut by reads (a comma after each
    base64 answer), each answer comes out once, whole, in order, when the read that ends it
    is handed over; what is left is the start of the next one."""
    stream = b"".join(answer + b"," for answer in answers)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    partial: list[bytes] = []
    found: list[bytes] = []
    for begin, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        if end > begin:
            found += whole_answers(partial, stream[begin:end])
            assert b"".join(partial) == stream[:end][len(b"".join(a + b"," for a in found)) :]
    assert found == answers
    assert partial == []


_HTML_PIECES = st.sampled_from(
    (
        *("<svg", "<svg>", "<svg ", "</svg>", "<p", "</p>", "<section", "</section>", "<b1 ", "<"),
        *(" data-pagefind-ignore", "data-pagefind-ignore", ' data-pagefind-ignore="all"'),
        *(" data-pagefind-filter", ">", " ", "=", "x", "\n", '"'),
    )
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_HTML_PIECES, max_size=24).map("".join))
def test_the_elements_pagefind_ignores_are_found_as_the_whole_pattern_finds_them(html: str) -> None:
    """`ignored_starts` starts each search where a match can first be: it finds exactly the
    matches of `_IGNORED.finditer`, so a page is cut as before (`without_ignored`)."""
    from badgegen import search

    expected = [(m.span(), m.groups()) for m in search._IGNORED.finditer(html)]
    assert [(m.span(), m.groups()) for m in search.ignored_starts(html)] == expected
    for found in search._IGNORED.finditer(html):
        tag = found.group(1) or found.group(2)
        assert search._element_end(html, tag, found.end()) == _element_end_reference(html, tag, found.end())


def _element_end_reference(html: str, tag: str, after: int) -> int:
    """The end of an element as the slice of the page after its start tag shows it."""
    depth = 1
    for found in re.finditer(rf"<(/?){tag}[\s>/]", html[after:]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            end = html.find(">", after + found.start())
            return end + 1 if end >= 0 else -1
    return -1


def test_pagefind_is_found_where_its_own_client_finds_it_without_importing_that_client() -> None:
    """`pagefind_executable` follows `pagefind.service.get_executable` (the wheel's binary here),
    without importing `pagefind.service` and `asyncio` (16 ms of a rebuild that indexes a part)."""
    import subprocess

    code = (
        "import sys\nfrom badgegen.search import pagefind_executable\n"
        "print(pagefind_executable())\n"
        "print(sorted({'asyncio', 'pagefind.service'} & set(sys.modules)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PAGEFIND_BINARY_PATH"}
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.splitlines()
    from pagefind.service import get_executable

    assert found == [str(get_executable()), "[]"]


def test_a_configured_pagefind_is_used_and_a_missing_one_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from badgegen.search import SearchIndexError, pagefind_executable

    binary = tmp_path / "pagefind"
    binary.write_bytes(b"")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))
    assert pagefind_executable() == binary
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "absent"))
    with pytest.raises(SearchIndexError) as raised:
        pagefind_executable()
    assert "pip install 'pagefind[bin]'" in raised.value.format_message("en")
