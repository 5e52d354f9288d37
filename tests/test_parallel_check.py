"""The check on several processes says exactly what it says on one.

A cold check shares the files it does not know out to forked workers
(`badgegen.parallel`): what each file says (its YAML, schema problems, personal
data) must come back unchanged and in order. Compared here on every invalid
fixture and on a generated registry with problems added, the threshold set to 1
so that even a handful of files goes to the workers.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_validation_messages import CASES, make_content

from badgegen import parallel, privacy
from badgegen.load import RawContent, load_content, load_private

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _every_file_to_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "THRESHOLD", 1)


def _what_it_says(content: Path, jobs: int, *, memo: dict[str, Any] | None) -> tuple[Any, ...]:
    raw = load_content(content, memo=memo, jobs=jobs)
    documents = [
        (d.kind, d.id, d.display_path, d.data, d.yaml.marks, d.schema_problems) for d in raw.documents
    ]
    private = load_private(content.parent / "private")
    errors = [*raw.errors, *privacy.content_errors(raw, memo=memo, jobs=jobs)]
    errors += privacy.content_errors(private)
    return documents, sorted(raw.unreadable), sorted(e.format("en") for e in errors)


def _same_on_one_and_two_processes(content: Path) -> tuple[Any, ...]:
    serial = _what_it_says(content, 1, memo={})
    assert _what_it_says(content, 2, memo={}) == serial
    assert _what_it_says(content, 2, memo=None) == serial
    return serial


def test_every_invalid_fixture_reads_the_same_in_parallel(tmp_path: Path) -> None:
    for number, case in enumerate(CASES):
        content = make_content(case, tmp_path / str(number))
        _same_on_one_and_two_processes(content)


def test_a_generated_registry_with_problems_reads_the_same_in_parallel(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import synth  # the benchmark's generator
    finally:
        sys.path.remove(str(REPO / "bench"))
    content = synth.generate(tmp_path / "registry", 120, seed=3)
    awards = sorted(content.glob("awards/*/*.yaml"))
    awards[3].write_text("badge: [unclosed\n", "utf-8")  # not YAML
    awards[7].write_text(awards[7].read_text("utf-8") + "colour: blue\n", "utf-8")  # unknown field
    narrative = (
        awards[11].read_text("utf-8").replace("narrative:", "# jean.dupont@example.org\nnarrative:", 1)
    )
    awards[11].write_text(narrative, "utf-8")  # an e-mail address in the content
    shutil.copy(awards[15], awards[15].with_name("Not A Slug.yaml"))
    documents, unreadable, errors = _same_on_one_and_two_processes(content)
    assert len(documents) > 150 and unreadable
    problems = [problem.code for document in documents for problem in document[5] or ()]
    codes = " ".join([*errors, *problems])
    assert "unknown-field" in codes and "bad-file-name" in codes and "personal-data" in codes


def test_nothing_is_forked_for_a_few_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "THRESHOLD", 256)
    seen: list[int] = []
    assert parallel.forked_map(seen.append, [1, 2, 3], jobs=2) == [None, None, None]
    assert seen == [1, 2, 3], "run here, in order: the list was filled in this process"


def test_an_empty_content_folder(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    assert _what_it_says(tmp_path / "content", 2, memo={})[0] == []
    assert isinstance(RawContent(root=tmp_path), RawContent)


_PREPARE_AHEAD = """
import sys
from pathlib import Path
from badgegen import images

folder = Path(sys.argv[1])
files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.suffix in (".png", ".svg")]
assert any(n.endswith(".png") for n, _ in files) and any(n.endswith(".svg") for n, _ in files)
if sys.argv[2] == "after-one":  # oxipng's and resvg's thread pools started here before forking
    images.prepare_image(*files[0])
broken = ("broken.png", b"\\x89PNG\\r\\n\\x1a\\nnot really")
before = set(images.USED)
images.prepare_ahead([*files, broken], jobs=2)
assert images.USED == before  # preparing ahead is not using: the cache keeps what the resolver asked for
assert len(images.PREPARED) == len(set(files))
for name, data in files:
    assert images.prepare_image(name, data) == images._prepare_image(name, data)
try:
    images.prepare_image(*broken)
except images.ImageProblem:
    print("ok")
"""


@pytest.mark.parametrize("start", ["fresh", "after-one"])
def test_images_prepared_ahead_on_two_processes_are_those_prepared_here(start: str) -> None:
    """`images.prepare_ahead` on the example's badge images, in a process of its own (a fresh
    one forks; one that already ran oxipng must not, or its children wait forever), and a
    broken image left out (the resolver prepares it again and says what is wrong)."""
    done = subprocess.run(
        [sys.executable, "-c", _PREPARE_AHEAD, str(REPO / "content" / "badges"), start],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
