"""Golden-site test: the small fixture registry builds exactly the reviewed tree.

Any change to the output (a template, a JSON-LD field, a URL) shows up here as a
diff. When the change is intended, regenerate and review the copies:

    bash scripts/test.sh tests/test_golden.py --update-golden
    git diff tests/golden/

PNG files are compared by what matters and is stable across Pillow/zlib
versions: their pixel size and the assertion baked into them, not raw bytes.
"""

from __future__ import annotations

import difflib
import gzip
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image as PILImage

from badgegen.bake import unbake_png
from badgegen.cli import main

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "fixtures/minimal/content"
GOLDEN = TESTS / "golden/minimal"
BASE = "https://badges.example.org/"


STATIC = TESTS.parent / "templates" / "static"


def _digest(path: Path) -> str:
    """A text stand-in for a file: PNGs become their size and baked assertion; a static asset
    copied unchanged from templates/static/ is named, not repeated (it is tested where it lives)."""
    source = STATIC / path.name
    if path.parent.name == "static" and source.is_file() and source.read_bytes() == path.read_bytes():
        return f"copied unchanged from templates/static/{path.name}\n"
    if path.suffix != ".png":
        return path.read_text("utf-8")
    data = path.read_bytes()
    with PILImage.open(io.BytesIO(data)) as image:
        size = f"PNG {image.width}x{image.height} {image.mode}\n"
    baked = unbake_png(data)
    return size + (f"openbadges: {baked}\n" if baked is not None else "")


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): _search_digest(p) if _in_search_bundle(root, p) else _digest(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and (not _in_search_bundle(root, p) or p.suffix == ".pf_fragment")
    }


def _in_search_bundle(root: Path, path: Path) -> bool:
    """Pagefind's files (pagefind/): only the page fragments are kept, as their JSON text.

    They say what each page gives the index (words, filters, result details). The rest is
    binary or Pagefind's own code, and its filter chunks change name from build to build
    (see test_build.py: test_build_is_byte_identical).
    """
    return path.relative_to(root).parts[0] == "pagefind"


def _search_digest(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd") + "\n"


def _write_golden(tree: dict[str, str]) -> None:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for relpath, text in tree.items():
        target = GOLDEN / (relpath + ".txt" if relpath.endswith(".png") else relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")


def _golden_tree() -> dict[str, str]:
    tree = {}
    for path in sorted(GOLDEN.rglob("*")):
        if path.is_file():
            relpath = path.relative_to(GOLDEN).as_posix()
            tree[relpath.removesuffix(".txt") if relpath.endswith(".png.txt") else relpath] = path.read_text(
                "utf-8"
            )
    return tree


def test_minimal_registry_matches_golden(tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "site"
    assert (
        main(["build", "--content", str(FIXTURE), "--out", str(out), "--base-url", BASE, "--frozen-ledger"])
        == 0
    )
    built = _tree(out)
    if update_golden:
        _write_golden(built)
        pytest.skip("golden files rewritten: review `git diff tests/golden/`")
    expected = _golden_tree()
    assert sorted(built) == sorted(expected), "files added or missing"
    for relpath, text in built.items():
        if text != expected[relpath]:
            diff = "".join(
                difflib.unified_diff(
                    expected[relpath].splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"golden/{relpath}",
                    f"built/{relpath}",
                )
            )
            pytest.fail(f"{relpath} differs from its golden copy:\n{diff}")
