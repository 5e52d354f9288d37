"""privacy.content_errors(..., memo=...): a file already checked is not scanned again.

The same results with no memo, an empty one, a warm one, one that went through pickle,
one filled by other content and one shared with `load_content`; the verdict follows the
rules it depends on besides the bytes (public addresses, the signing key looked for);
nothing found is kept in clear.
"""

from __future__ import annotations

import base64
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from test_validation_messages import CASES, Case, make_content

from badgegen import privacy
from badgegen.errors import ContentError
from badgegen.load import RawContent, display_path, load_content, load_private, read_bytes
from badgegen.ob3 import keys, multibase

EXAMPLE = Path(__file__).resolve().parent.parent / "content"
PRIVACY_CASES = [
    case
    for case in CASES
    if case.name.startswith(("personal-data", "private-key", "spreadsheet", "media-metadata"))
]


def _errors(errors: list[ContentError]) -> list[tuple[Any, ...]]:
    return [(e.path, e.line, e.column, e.code, e.field, e.params, e.severity) for e in errors]


def outcome(root: Path, memo: Any) -> Any:
    """What `content_errors` finds in `root`'s content/ and private/ folders, with `memo`."""
    content = load_content(root / "content")
    private = load_private(root / "private")
    return (
        _errors(privacy.content_errors(content, memo=memo)),
        _errors(privacy.content_errors(private, memo=memo)),
    )


@pytest.fixture(scope="module")
def other_memo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A memo filled by other content: the example registry and every privacy fixture."""
    memo: dict[str, Any] = {}
    privacy.content_errors(RawContent(EXAMPLE), memo=memo)
    for case in PRIVACY_CASES:
        root = tmp_path_factory.mktemp(case.name)
        make_content(case, root)
        privacy.content_errors(RawContent(root / "content"), memo=memo)
    return memo


@pytest.mark.parametrize("case", [None, *CASES], ids=["minimal", *(case.name for case in CASES)])
def test_same_results_whatever_the_memo(
    case: Case | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_memo: dict[str, Any]
) -> None:
    make_content(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    expected = outcome(tmp_path, None)
    memo: dict[str, Any] = {}
    assert outcome(tmp_path, memo) == expected  # empty: filled as it goes
    assert memo
    assert all(key.startswith((privacy.VERDICT_PREFIX, privacy.ADDRESSES_PREFIX)) for key in memo)
    assert outcome(tmp_path, memo) == expected  # warm
    assert outcome(tmp_path, pickle.loads(pickle.dumps(memo))) == expected  # kept on disk
    assert outcome(tmp_path, dict(other_memo)) == expected  # filled by other content
    shared: dict[str, Any] = {}
    load_content(tmp_path / "content", memo=shared)
    assert outcome(tmp_path, shared) == expected  # shared with load_content's memo
    assert load_content(tmp_path / "content", memo=shared).errors == load_content(tmp_path / "content").errors


def test_the_example_content_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    for cwd in (EXAMPLE.parent, EXAMPLE / "awards", Path("/")):  # paths shown relative, or not
        monkeypatch.chdir(cwd)
        raw = RawContent(EXAMPLE)
        expected = privacy.content_errors(raw)
        memo: dict[str, Any] = {}
        assert privacy.content_errors(raw, memo=memo) == expected
        assert privacy.content_errors(raw, memo=memo) == expected
        verdicts = [key for key in memo if key.startswith(privacy.VERDICT_PREFIX)]
        assert len(verdicts) == len(privacy.content_files(EXAMPLE))  # (and maybe each file's status)


def test_a_warm_memo_spares_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(case for case in CASES if case.name == "personal-data-many")
    make_content(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    memo: dict[str, Any] = {}
    expected = outcome(tmp_path, memo)
    assert expected[0]

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("scanned again")

    monkeypatch.setattr(privacy, "file_verdict", never)
    assert outcome(tmp_path, memo) == expected
    # A changed file (same size, same time) is scanned again, and only it.
    issuer = tmp_path / "content" / "issuers" / "atelier-exemple.yaml"
    stat = issuer.stat()
    issuer.write_bytes(issuer.read_bytes().replace(b"a", b"b", 1))
    os.utime(issuer, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    seen: list[str] = []
    monkeypatch.setattr(privacy, "file_verdict", lambda shown, *rest: seen.append(shown) or [])
    outcome(tmp_path, memo)
    assert seen == ["content/issuers/atelier-exemple.yaml"]


def test_a_foreign_entry_is_not_taken_for_a_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(case for case in CASES if case.name == "personal-data-many")
    make_content(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    memo: dict[str, Any] = {}
    expected = outcome(tmp_path, memo)
    for key in memo:
        memo[key] = ("not", "errors") if len(key) % 2 else None
    assert outcome(tmp_path, memo) == expected


def test_the_public_addresses_are_part_of_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same file is allowed, then refused, when the organisation's address changes."""
    make_content(None, tmp_path)
    monkeypatch.chdir(tmp_path)
    issuer = tmp_path / "content" / "issuers" / "reseau-exemple.yaml"
    text = issuer.read_text("utf-8")
    public = "contact@reseau.example.org"
    assert f"email: {public}" in text
    note = tmp_path / "content" / "media" / "fiche-observation.txt"
    note.write_text(f"Écrire à {public} pour toute question.\n", "utf-8")
    memo: dict[str, Any] = {}
    assert outcome(tmp_path, memo) == outcome(tmp_path, None) == ([], [])
    issuer.write_text(text.replace(public, "autre-contact@reseau.example.org"), "utf-8")
    refused = outcome(tmp_path, memo)
    assert refused == outcome(tmp_path, None)
    assert [error[3] for error in refused[0]] == ["personal-data"]


def test_the_signing_key_is_part_of_the_key_and_never_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of this machine's key (its seed in base64) is found once the key is set, even with
    a memo made before; the memo holds neither the key nor any of its forms."""
    make_content(None, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(keys.ENV_KEY, raising=False)
    monkeypatch.delenv(keys.ENV_KEY_FILE, raising=False)
    secret, _public = keys.generate()
    seed = multibase.decode_secret_key(secret)
    note = tmp_path / "content" / "media" / "fiche-observation.txt"
    note.write_text(f"sauvegarde : {base64.b64encode(seed).decode()}\n", "utf-8")
    memo: dict[str, Any] = {}
    assert outcome(tmp_path, memo) == ([], [])
    monkeypatch.setenv(keys.ENV_KEY, secret)
    found = outcome(tmp_path, memo)
    assert found == outcome(tmp_path, None)
    assert [error[3] for error in found[0]] == ["private-key"]
    kept = pickle.dumps(memo)
    for needle in privacy.leaks.environment_needles():
        assert needle not in kept
    assert seed not in kept


def test_what_was_found_is_never_kept_in_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_content(None, tmp_path)
    monkeypatch.chdir(tmp_path)
    secrets = ["jeanne.martin@exemple.fr", "06 12 34 56 78", "FR76 3000 6000 0112 3456 7890 189"]
    note = tmp_path / "content" / "media" / "fiche-observation.txt"
    note.write_text("".join(f"contact : {secret}\n" for secret in secrets), "utf-8")
    memo: dict[str, Any] = {}
    found = outcome(tmp_path, memo)
    assert [error[3] for error in found[0]] == ["personal-data"] * 3
    kept = pickle.dumps(memo)
    for secret in secrets:
        for part in secret.split():
            if len(part) > 3:
                assert part.encode() not in kept, part


def test_content_files_are_the_files_rglob_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "content"
    make_content(None, tmp_path)
    (root / ".git-like").mkdir()
    (root / ".git-like" / "HEAD").write_text("x", "utf-8")
    (root / ".cachée.yaml").write_text("x: 1\n", "utf-8")
    (root / "media" / "lien.txt").symlink_to(root / "media" / "fiche-observation.txt")
    (root / "media" / "cassé.txt").symlink_to(root / "media" / "absent.txt")
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.txt").write_text("x", "utf-8")
    (root / "media" / "dossier-lié").symlink_to(outside)
    (root / "b-c").mkdir()
    (root / "b-c" / "x.txt").write_text("x", "utf-8")
    (root / "b").mkdir()
    (root / "b" / "z.txt").write_text("x", "utf-8")
    expected = sorted(path for path in root.rglob("*") if path.is_file())
    found = privacy.content_files(root)
    assert [folder / parts[-1] for parts, folder, _link in found] == expected
    assert [Path(root, *parts) for parts, _folder, _link in found] == expected
    assert [link for _parts, _folder, link in found] == [path.is_symlink() for path in expected]
    for cwd in (tmp_path, root / "media", outside):
        monkeypatch.chdir(cwd)
        shown = privacy.DisplayPaths()
        assert [shown(folder / parts[-1], link, folder) for parts, folder, link in found] == [
            display_path(path) for path in expected
        ]


def test_a_field_named_by_personal_data_is_not_repeated(tmp_path: Path) -> None:
    """The field of an error is never a path through a key that is itself personal data."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "notes.yaml").write_text('contacts:\n  jeanne.martin@exemple.fr: "06 12 34 56 78"\n', "utf-8")
    errors = privacy.content_errors(RawContent(content))
    assert [(e.line, e.code) for e in errors] == [(2, "personal-data"), (2, "personal-data")]
    for error in errors:
        shown = error.format("fr") + error.format("en")
        assert "jeanne" not in shown and "12 34" not in shown


def test_read_bytes_reads_every_byte(tmp_path: Path) -> None:
    for size in (0, 1, 4096, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 17):
        path = tmp_path / f"f{size}"
        path.write_bytes(os.urandom(size))
        assert read_bytes(path) == path.read_bytes()
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "absent")


def test_a_warm_memo_spares_parsing_the_public_addresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """registry.yaml and the issuer files are parsed again only when one of them changed."""
    make_content(None, tmp_path)
    monkeypatch.chdir(tmp_path)
    memo: dict[str, Any] = {}
    expected = outcome(tmp_path, memo)
    parsed: list[Path] = []
    real = privacy.content_addresses
    monkeypatch.setattr(privacy, "content_addresses", lambda root: parsed.append(root) or real(root))
    assert outcome(tmp_path, memo) == expected
    assert parsed == []
    issuer = tmp_path / "content" / "issuers" / "reseau-exemple.yaml"
    issuer.write_text(issuer.read_text("utf-8") + "# une ligne de plus\n", "utf-8")
    changed = outcome(tmp_path, memo)
    assert parsed == [tmp_path / "content"]
    assert changed == outcome(tmp_path, None)
