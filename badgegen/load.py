"""Stage 1: find and read every content file, exactly as written.

`load_content()` returns raw documents (data + positions + where they came from)
and the problems met while reading. Nothing is interpreted yet: the validate
stage decides what the data means. Reading never stops at the first bad file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from badgegen.errors import ContentError, make_error
from badgegen.yamlsafe import YamlDocument, YamlProblem, decode_utf8, parse_yaml

Kind = Literal["registry", "issuer", "badge", "award", "endorsement", "earner"]

#: The folder of each kind of file, in the order they are reported.
FOLDERS: dict[Kind, str] = {
    "issuer": "issuers",
    "badge": "badges",
    "award": "awards",
    "endorsement": "endorsements",
    "earner": "earners",  # portfolios, each written only with its person's consent
}
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
YEAR_RE = re.compile(r"^\d{4}$")
MEDIA_FOLDER = "media"


@dataclass(frozen=True)
class RawDocument:
    """One YAML file as written: its kind, its id (the file name) and its data."""

    kind: Kind
    id: str
    path: Path
    display_path: str
    yaml: YamlDocument
    folder: str = ""
    #: Read from the private folder (`--private`, restricted content), not from content/.
    private: bool = False

    @property
    def data(self) -> Any:
        return self.yaml.data

    def position_of(self, *json_path: str | int) -> tuple[int, int]:
        """Where the value at `json_path` starts (what to correct)."""
        return self.yaml.position_of(tuple(json_path))

    def key_position_of(self, *json_path: str | int) -> tuple[int, int]:
        """Where the key of `json_path` stands (where to add or remove a line)."""
        return self.yaml.key_position_of(tuple(json_path))


@dataclass
class RawContent:
    """Everything read from a content folder, and what went wrong reading it."""

    root: Path
    registry: RawDocument | None = None
    documents: list[RawDocument] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    #: ids of files that exist but could not be read, so references to them are not
    #: reported a second time as "unknown".
    unreadable: set[tuple[Kind, str]] = field(default_factory=set)

    def of_kind(self, kind: Kind) -> list[RawDocument]:
        return [doc for doc in self.documents if doc.kind == kind]


def display_path(path: Path) -> str:
    """The path as the coordinator knows it: relative to the working folder when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_content(root: Path) -> RawContent:
    """Read `registry.yaml` and every YAML file of the known folders under `root`."""
    content = RawContent(root=root)
    registry_path = root / "registry.yaml"
    if registry_path.is_file():
        content.registry = _read(content, registry_path, "registry", "registry")
    else:
        content.errors.append(make_error(display_path(registry_path), (1, 1), "missing-registry", ""))
    for kind, folder in FOLDERS.items():
        for path in _yaml_files(content, root / folder, kind):
            doc = _read(content, path, kind, path.stem)
            if doc is not None:
                content.documents.append(doc)
            else:
                content.unreadable.add((kind, path.stem))
    return content


#: What the private folder may hold: restricted badge classes and awards (same layout as
#: content/), and the media files of their evidence (never published).
PRIVATE_KINDS: tuple[Kind, ...] = ("badge", "award")


def load_private(root: Path) -> RawContent:
    """Read the private folder (restricted badges and awards); a missing folder is an empty one.

    Same layout, reading rules and messages as `load_content`, without registry.yaml.
    Anything else found there (issuers/, endorsements/, earners/, a stray file) is
    reported as misplaced: those are public by nature and belong to content/.
    """
    content = RawContent(root=root)
    if not root.is_dir():
        return content
    allowed = {FOLDERS[kind] for kind in PRIVATE_KINDS} | {MEDIA_FOLDER}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in allowed:
            continue
        if entry.is_dir() or entry.suffix in (".yaml", ".yml"):
            content.errors.append(_misplaced(entry, "private"))
    for kind in PRIVATE_KINDS:
        for path in _yaml_files(content, root / FOLDERS[kind], kind):
            doc = _read(content, path, kind, path.stem)
            if doc is not None:
                content.documents.append(replace(doc, private=True))
            else:
                content.unreadable.add((kind, path.stem))
    return content


def _yaml_files(content: RawContent, folder: Path, kind: Kind) -> list[Path]:
    """The YAML files of `folder`, sorted; awards live one level down, in year folders."""
    if not folder.is_dir():
        return []
    if kind != "award":
        _report_misplaced(content, folder, allow_dirs=False)
        return sorted(folder.glob("*.yaml"))
    paths: list[Path] = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and YEAR_RE.match(entry.name):
            _report_misplaced(content, entry, allow_dirs=False)
            paths.extend(sorted(entry.glob("*.yaml")))
        elif not entry.name.startswith("."):
            content.errors.append(_misplaced(entry, "award"))
    return paths


def _report_misplaced(content: RawContent, folder: Path, *, allow_dirs: bool) -> None:
    """A `.yml` file or a stray sub-folder would be silently ignored: say so instead."""
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.suffix == ".yml" or (entry.is_dir() and not allow_dirs):
            content.errors.append(_misplaced(entry, "yml" if entry.suffix == ".yml" else "dir"))


def _misplaced(entry: Path, why: str) -> ContentError:
    where = {
        "yml": ("renommez-le en .yaml (et non .yml).", "rename it to .yaml (not .yml)."),
        "dir": (
            f"rangez les fichiers directement dans {entry.parent.name}/, sans sous-dossier.",
            f"store the files directly in {entry.parent.name}/, without sub-folders.",
        ),
        "award": (
            "rangez chaque attribution dans awards/<année>/, par exemple awards/2026/.",
            "store each award in awards/<year>/, for example awards/2026/.",
        ),
        "private": (
            f"le dossier privé {entry.parent.name}/ ne contient que des badges et des attributions "
            "restreints (badges/, awards/<année>/) et leurs preuves (media/) ; rangez ce qui est "
            "public dans content/.",
            f"the private folder {entry.parent.name}/ holds only restricted badges and awards "
            "(badges/, awards/<year>/) and their evidence (media/); store what is public in content/.",
        ),
    }[why]
    return make_error(
        display_path(entry),
        (1, 1),
        "misplaced-file",
        "",
        name=entry.name,
        where_fr=where[0],
        where_en=where[1],
    )


def _read(content: RawContent, path: Path, kind: Kind, doc_id: str) -> RawDocument | None:
    """Read one file, recording (not raising) any reading problem."""
    shown = display_path(path)
    if kind != "registry" and not SLUG_RE.match(doc_id):
        content.errors.append(
            make_error(shown, (1, 1), "bad-file-name", "", name=path.name, suggestion=suggest_slug(doc_id))
        )
        return None
    try:
        document = parse_yaml(decode_utf8(path.read_bytes()))
    except YamlProblem as problem:
        content.errors.append(make_error(shown, problem.position, problem.code, "", **problem.params))
        return None
    if document.data is None:
        content.errors.append(make_error(shown, (1, 1), "empty-file", ""))
        return None
    if not isinstance(document.data, dict):
        content.errors.append(make_error(shown, (1, 1), "not-a-mapping", ""))
        return None
    return RawDocument(kind, doc_id, path, shown, document, folder=path.parent.name)


def suggest_slug(text: str) -> str:
    """A URL-safe version of `text`: « Semer_en Plein-Champ » → « semer-en-plein-champ »."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:64].strip("-") or "nom-du-fichier"
