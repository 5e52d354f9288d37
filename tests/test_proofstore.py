"""The memo of OB 3.0 proofs on disk (`badgegen.proofstore`).

A build reads each proof when it needs it and writes what it added at its end; a forked
worker reads with a connection of its own and sends its additions back; a file SQLite cannot
read is an empty memo, replaced at the end; every proof stays until the file holds far more
than the registry's documents. At the level of a build: after a build that kept every unit, a
new version of badgegen (every unit made again) signs nothing, and the memo that earlier
versions pickled is moved into the file.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ob3_support import BASE, EXAMPLE, add_signing_key

from badgegen import pipeline, proofstore, uptodate
from badgegen.cache import BuildCache
from badgegen.cli import main
from badgegen.ob3 import keys
from badgegen.proofstore import ProofStore

_SHARED: ProofStore | None = None


def _stored(file: Path) -> dict[str, str]:
    with sqlite3.connect(file) as connection:
        return dict(connection.execute("SELECT key, value FROM proofs").fetchall())


def test_proofs_added_are_written_at_the_end_and_read_back_one_by_one(tmp_path: Path) -> None:
    file = tmp_path / "cache" / proofstore.FILE_NAME
    store = ProofStore(file)
    assert store.get("a") is None and "a" not in store and len(store) == 0
    store["a"], store["b"] = "proof-a", "proof-b"
    assert store["a"] == "proof-a" and not file.exists()  # (held until `save`)
    store.save({"a", "b"}, limit=100, everything_used=True)
    assert store.added == {} and _stored(file) == {"a": "proof-a", "b": "proof-b"}
    again = ProofStore(file)
    assert again.get("b") == "proof-b" and again.get("c") is None
    assert sorted(again) == ["a", "b"] and len(again) == 2
    again["c"] = "proof-c"
    again.save(set(), limit=100, everything_used=False)
    assert _stored(file) == {"a": "proof-a", "b": "proof-b", "c": "proof-c"}
    with pytest.raises(TypeError):
        del again["a"]


def _in_worker(key: str) -> tuple[str | None, dict[str, str]]:
    store = _SHARED
    assert store is not None
    found = store.get(key)
    store[f"{key}-new"] = f"made by a worker for {key}"
    return found, store.take_added()


def test_a_forked_worker_reads_with_its_own_connection_and_sends_its_proofs_back(tmp_path: Path) -> None:
    global _SHARED
    file = tmp_path / proofstore.FILE_NAME
    first = ProofStore(file)
    first.update({f"k{n}": f"p{n}" for n in range(50)})
    first.save(set(), limit=1000, everything_used=False)
    store = ProofStore(file)
    assert store.get("k1") == "p1"  # (the main process's connection is open before the fork)
    _SHARED = store
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            results = pool.map(_in_worker, [f"k{n}" for n in range(50)])
    finally:
        _SHARED = None
    assert [found for found, _ in results] == [f"p{n}" for n in range(50)]
    assert store.added == {}  # (a worker's additions are its own until sent back)
    for _, added in results:
        assert len(added) == 1
        store.update(added)
    assert store.get("k7-new") == "made by a worker for k7" and store.get("k7") == "p7"
    store.save(set(), limit=1000, everything_used=False)
    assert len(_stored(file)) == 100


@pytest.mark.parametrize("damage", [b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_file_sqlite_cannot_read_is_an_empty_memo_and_is_replaced(tmp_path: Path, damage: bytes) -> None:
    file = tmp_path / proofstore.FILE_NAME
    file.write_bytes(damage)
    store = ProofStore(file)
    assert store.get("a") is None and len(store) == 0 and list(store) == []
    store["a"] = "proof-a"
    store.save({"a"}, limit=100, everything_used=False)
    assert _stored(file) == {"a": "proof-a"}


def test_an_unwritable_place_leaves_the_build_alone(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("in the way")
    store = ProofStore(tmp_path / "a-file" / proofstore.FILE_NAME)
    store["a"] = "proof-a"
    store.save({"a"}, limit=100, everything_used=True)  # no error: it is a memo
    assert store.get("a") == "proof-a"


@settings(max_examples=30, deadline=None)
@given(
    stored=st.integers(min_value=0, max_value=60),
    used=st.sets(st.integers(min_value=0, max_value=80), max_size=30),
    limit=st.integers(min_value=1, max_value=40),
    everything_used=st.booleans(),
)
def test_the_file_is_pruned_to_the_used_proofs_only_past_its_limit(
    tmp_path_factory: pytest.TempPathFactory, stored: int, used: set[int], limit: int, everything_used: bool
) -> None:
    file = tmp_path_factory.mktemp("prune") / proofstore.FILE_NAME
    store = ProofStore(file)
    store.update({f"k{n:03}": f"p{n}" for n in range(stored)})
    keys_used = {f"k{n:03}" for n in used}
    store.save(keys_used, limit, everything_used=everything_used)
    everything = {f"k{n:03}": f"p{n}" for n in range(stored)}
    if stored > limit and (everything_used or stored > 10 * limit):
        assert _stored(file) == {k: v for k, v in everything.items() if k in keys_used}
    else:
        assert _stored(file) == everything


def _build(content: Path, out: Path, *extra: str) -> dict[str, int]:
    timings = out.parent / "timings.json"
    args = ["build", "--content", str(content), "--out", str(out), "--base-url", BASE, "--frozen-ledger"]
    assert main([*args, "--timings", str(timings), *extra]) == 0
    figures: dict[str, int] = json.loads(timings.read_text("utf-8"))
    (out.parent / ".badgegen-cache" / uptodate.STAMP_NAME).unlink(missing_ok=True)
    return figures


@pytest.fixture
def signed_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    secret, _public = add_signing_key(content)
    monkeypatch.setenv(keys.ENV_KEY, secret)
    monkeypatch.delenv(keys.ENV_KEY_FILE, raising=False)
    return content


def test_a_new_version_after_a_build_that_kept_every_unit_signs_nothing(
    signed_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proofs of kept units stay in the memo: when a new version of badgegen makes every
    unit again, each credential gets its earlier proof back (the same bytes)."""
    out = tmp_path / "site"
    cold = _build(signed_content, out, "--jobs", "2")
    assert cold["signatures_made"] == cold["signed"] > 15
    kept = _build(signed_content, out)
    assert kept["units_produced"] == 0 and kept["signatures_made"] == 0
    before = {p: p.read_bytes() for p in out.rglob("*.credential.json")}
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda templates: b"another version of badgegen")
    upgraded = _build(signed_content, out, "--jobs", "2")
    assert upgraded["units_kept"] == 0 and upgraded["units_produced"] > 15
    assert upgraded["signatures_made"] == 0 and upgraded["signatures_reused"] == cold["signed"]
    assert {p: p.read_bytes() for p in out.rglob("*.credential.json")} == before


def test_the_memo_earlier_versions_pickled_is_moved_into_the_file(
    signed_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    cold = _build(signed_content, out)
    cache = tmp_path / ".badgegen-cache"
    file = cache / proofstore.FILE_NAME
    proofs = _stored(file)
    assert len(proofs) == cold["signed"]
    file.unlink()
    BuildCache(cache, b"").save("ob3-proofs", proofs, any_code=True)  # as earlier versions stored it
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda templates: b"another version of badgegen")
    upgraded = _build(signed_content, out)
    assert upgraded["signatures_made"] == 0 and upgraded["signatures_reused"] == cold["signed"]
    assert not (cache / "ob3-proofs.pickle").exists() and _stored(file) == proofs


def test_the_main_process_writes_its_proofs_as_they_come(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build adds a proof a document: they are written every `FLUSH_EVERY`, not held to
    the end; what is written is read back from the file, what is not yet from memory."""
    monkeypatch.setattr(proofstore, "FLUSH_EVERY", 3)
    file = tmp_path / proofstore.FILE_NAME
    store = ProofStore(file)
    assert store.get("k0") is None  # (no file yet: looked for once)
    for number in range(7):
        store[f"k{number}"] = f"p{number}"
    assert len(_stored(file)) == 6 and store.added == {"k6": "p6"}
    assert [store.get(f"k{n}") for n in range(7)] == [f"p{n}" for n in range(7)]
    store.save(set(), limit=100, everything_used=False)
    assert _stored(file) == {f"k{n}": f"p{n}" for n in range(7)} and store.added == {}


def _reads(keys: list[str]) -> list[str | None]:
    store = _SHARED
    assert store is not None
    return [store.get(key) for key in keys * 20]


def test_workers_read_while_the_main_process_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    global _SHARED
    monkeypatch.setattr(proofstore, "FLUSH_EVERY", 5)
    file = tmp_path / proofstore.FILE_NAME
    first = ProofStore(file)
    first.update({f"old{n}": f"p{n}" for n in range(20)})
    first.save(set(), limit=1000, everything_used=False)
    store = ProofStore(file)
    assert store.get("old0") == "p0"
    _SHARED = store
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            pending = pool.map_async(_reads, [[f"old{n}" for n in range(20)]] * 8)
            for number in range(60):  # (12 writes while the workers read)
                store[f"new{number}"] = f"q{number}"
            results = pending.get(timeout=120)
    finally:
        _SHARED = None
    assert all(found == [f"p{n}" for n in range(20)] * 20 for found in results)
    store.save(set(), limit=1000, everything_used=False)
    assert len(_stored(file)) == 80


def test_a_database_without_the_table_is_a_memo_not_yet_written(tmp_path: Path) -> None:
    """An SQLite file without the table (a build killed as it began writing) is read as an
    empty memo, not taken for a damaged one, and gets the table when written."""
    file = tmp_path / proofstore.FILE_NAME
    sqlite3.connect(file).close()
    with sqlite3.connect(file) as connection:
        connection.execute("CREATE TABLE other (x)")
    store = ProofStore(file)
    assert store.get("a") is None and not store.unreadable and len(store) == 0
    store["a"] = "proof-a"
    store.save({"a"}, limit=100, everything_used=False)
    assert _stored(file) == {"a": "proof-a"}
