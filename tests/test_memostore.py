"""The memo kept as a base and a small delta (`badgegen.memostore`)."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen.cache import CHUNK_ENTRIES, BuildCache, UsedMemo
from badgegen.memostore import BASE, DELTA, SLACK, LayeredMemo, load_memo, save_memo

ENTRIES = 100


def _cache(tmp_path: Path) -> BuildCache:
    return BuildCache(tmp_path / "cache", b"code")


def _part(cache: BuildCache, name: str) -> Path:
    assert cache.folder is not None
    return cache.folder / f"{name}.pickle"


def _first_run(cache: BuildCache) -> None:
    memo = load_memo(cache)
    for number in range(ENTRIES):
        memo[f"file-{number}"] = number
    save_memo(cache, memo)


def _run(cache: BuildCache, changed: range) -> None:
    """A build: every file looked up; the files in `changed` have new versions (new keys)."""
    memo = load_memo(cache)
    for number in range(ENTRIES):
        key = f"file-{number}" if number not in changed else f"file-{number}-v2"
        if memo.get(key) is None:
            memo[key] = -number
    save_memo(cache, memo)


def test_a_first_run_writes_the_base_and_an_empty_delta(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    _first_run(cache)
    assert cache.load(BASE) == {f"file-{n}": n for n in range(ENTRIES)}
    assert cache.load(DELTA) == {}


def test_nothing_new_writes_nothing(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    _first_run(cache)
    before = {name: _part(cache, name).stat().st_mtime_ns for name in (BASE, DELTA)}
    _part(cache, BASE).chmod(0o400)  # a rewrite would replace it: its mode would change
    _run(cache, range(0))
    assert {name: _part(cache, name).stat().st_mtime_ns for name in (BASE, DELTA)} == before
    assert _part(cache, BASE).stat().st_mode & 0o777 == 0o400


def test_one_change_goes_to_the_delta_only(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    _first_run(cache)
    base_bytes = _part(cache, BASE).read_bytes()
    _run(cache, range(3, 4))
    assert _part(cache, BASE).read_bytes() == base_bytes
    assert cache.load(DELTA) == {"file-3-v2": -3}
    memo = load_memo(cache)  # the next run sees both
    assert memo.get("file-3-v2") == -3 and memo.get("file-4") == 4
    _run(cache, range(3, 5))  # a second change: the delta keeps the first one (still used)
    assert cache.load(DELTA) == {"file-3-v2": -3, "file-4-v2": -4}
    assert _part(cache, BASE).read_bytes() == base_bytes


def test_beyond_the_slack_the_base_is_rewritten_without_unused_entries(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    _first_run(cache)
    many = int(ENTRIES * SLACK) + 1
    _run(cache, range(many))
    base = cache.load(BASE)
    assert cache.load(DELTA) == {}
    assert len(base) == ENTRIES
    assert all(f"file-{n}-v2" in base and f"file-{n}" not in base for n in range(many))


def test_unused_entries_accumulate_only_up_to_the_slack(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    _first_run(cache)
    for number in range(int(ENTRIES * SLACK) + 2):  # one file changed per run, each a new one
        _run(cache, range(number + 1))
        stored = {**(cache.load(BASE) or {}), **(cache.load(DELTA) or {})}
        assert len(stored) - ENTRIES <= SLACK * ENTRIES + 1
    assert cache.load(DELTA) == {} or len(cache.load(DELTA)) <= SLACK * ENTRIES


def test_a_delta_left_beside_an_older_base_is_harmless(tmp_path: Path) -> None:
    """A build killed between writing the base and emptying the delta."""
    cache = _cache(tmp_path)
    _first_run(cache)
    cache.save(DELTA, {"file-7": 7, "gone": 0})
    memo = load_memo(cache)
    assert memo.get("file-7") == 7
    _run(cache, range(0))
    assert "gone" not in {**(cache.load(BASE) or {}), **(cache.load(DELTA) or {})}


_KEYS = st.sampled_from([f"k{n}" for n in range(8)])
_OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["get", "getitem", "set", "del"]), _KEYS, st.integers(0, 3)), max_size=20
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, st.integers(0, 3)), st.dictionaries(_KEYS, st.integers(0, 3)), _OPERATIONS)
def test_the_memo_knows_what_was_used_and_added_as_a_plain_model_does(
    base: dict[str, int], delta: dict[str, int], operations: list[tuple[str, str, int]]
) -> None:
    """A key added by this run is kept in `added` only (not also among the keys used), so a
    first build holds one set of its keys, not two: `used()` and `added` are still those of
    a plain model, whatever the order of reads, writes and deletions."""
    memo = LayeredMemo(dict(base), dict(delta))
    model = {**base, **delta}
    loaded, used, added = set(model), set(), set()
    for operation, key, value in operations:
        if operation == "get":
            assert memo.get(key) == model.get(key)
            used |= {key} & model.keys()
        elif operation == "getitem" and key in model:
            assert memo[key] == model[key]
            used.add(key)
        elif operation == "set":
            memo[key] = model[key] = value
            used.add(key)
            if key not in loaded:
                added.add(key)
        elif operation == "del" and key in model:
            del memo[key], model[key]
            used.discard(key)
            added.discard(key)
            loaded.discard(key)
    assert memo.used() == {key: model[key] for key in used}
    assert list(memo.used()) == [key for key in model if key in used]  # (the memo's order)
    assert memo.added == added


def test_a_rewritten_base_keeps_the_order_and_the_shared_texts_of_its_parts(tmp_path: Path) -> None:
    """The base is pickled in parts of `CHUNK_ENTRIES`, and a part stores a text shared by
    many entries once (`yamlsafe` interns short texts as it parses them). A base rewritten
    with its entries in the memo's order keeps one copy of such a text per part; in the order
    of the set of used keys, each part held one per part of origin (at 50 000 awards, 17 MB
    more to load, and as much more at the highest memory of every build after)."""
    cache = _cache(tmp_path)
    files = 3 * CHUNK_ENTRIES
    memo = load_memo(cache)
    for number in range(files):
        memo[f"file-{number:05}"] = {sys.intern("badge"): sys.intern("semer-en-plein-champ"), "n": number}
    save_memo(cache, memo)
    # Past the slack, unused entries make the next run rewrite the base.
    memo = load_memo(cache)
    for number in range(files):
        if number % 4:
            assert memo.get(f"file-{number:05}") is not None
    before = _part(cache, BASE).stat().st_ino
    save_memo(cache, memo)
    assert _part(cache, BASE).stat().st_ino != before  # (rewritten)
    base = cache.load(BASE)
    assert list(base) == [f"file-{number:05}" for number in range(files) if number % 4]
    # In order, a new part holds the entries of consecutive old parts: one copy of a shared
    # text per pair of overlapping parts, old and new (each of 3 parts held 3 in random order).
    parts = -(-files // CHUNK_ENTRIES) + -(-len(base) // CHUNK_ENTRIES) - 1
    texts = {id(text) for entry in base.values() for text in entry if text == "badge"}
    slugs = {id(entry["badge"]) for entry in base.values()}
    assert len(texts) <= parts and len(slugs) <= parts


def test_a_plain_used_memo_keeps_its_order_too() -> None:
    memo = UsedMemo({key: number for number, key in enumerate("zyxwvu")})
    for key in "uwy":
        assert memo[key] is not None
    memo["a"] = 9
    assert list(memo.used()) == ["y", "w", "u", "a"]
