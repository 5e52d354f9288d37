"""The git pre-commit hook: no commit records personal data in plain text.

`badgegen hook install` writes `.git/hooks/pre-commit` (wherever `core.hooksPath`
says), which runs `python -m badgegen privacy-check --staged` before each commit.
That check reads the *staged* version of each file (what the commit would record,
not the working copy): the changed files under `content/` and any spreadsheet
anywhere in the repository. A finding blocks the commit with the file, line and
column of each problem (redacted) and how to fix it.

Installing is idempotent; a different pre-commit hook already there is kept unless
`--force` (it is then saved next to it as `pre-commit.before-badgegen`).
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from badgegen.errors import BadgegenError, ContentError, make_error
from badgegen.privacy import SPREADSHEET_SUFFIXES, check_file, public_addresses_in
from badgegen.yamlsafe import YamlProblem, decode_utf8, parse_yaml

HOOK_MARKER = "# badgegen pre-commit hook"


class HookError(BadgegenError):
    """git is missing, this is not a repository, or another hook is in the way (exit 1)."""

    exit_code: ClassVar[int] = 1

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr, self.en = fr, en

    def format_message(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def hook_script(python: str = sys.executable) -> str:
    """The pre-commit script: the Python that installed it, else `python3` or `python`."""
    return f"""#!/bin/sh
{HOOK_MARKER}, installed by `badgegen hook install` (run it again to update it).
# Refuses a commit whose staged files hold personal data in plain text (e-mail, phone,
# social security number, IBAN, photo metadata, spreadsheets).
for python in {shlex.quote(python)} python3 python; do
  if "$python" -c 'import badgegen' >/dev/null 2>&1; then
    exec "$python" -m badgegen privacy-check --staged
  fi
done
echo "Commit refusé : badgegen est introuvable, les données personnelles n'ont pas pu être vérifiées." >&2
echo "Activez l'environnement où badgegen est installé, puis recommencez (ou relancez : badgegen hook install)." >&2
exit 1
"""


def register(commands: Any, add_lang_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """`badgegen hook install [--force]`."""
    about = "installer le contrôle git qui refuse un commit contenant des données personnelles"
    hook = commands.add_parser("hook", help=about, description=about)
    actions = hook.add_subparsers(dest="hook_action", required=True)
    install_parser = actions.add_parser("install", help=about, description=about)
    install_parser.add_argument(
        "--force", action="store_true", help="replace a different existing pre-commit hook (kept as a copy)"
    )
    add_lang_option(install_parser)
    add_lang_option(hook)
    install_parser.set_defaults(run=run_install)


def run_install(args: argparse.Namespace) -> int:
    fr, en = install(force=args.force)
    print(fr if args.lang == "fr" else en)
    return 0


def install(*, force: bool = False, python: str = sys.executable) -> tuple[str, str]:
    """Write the hook; return what was done, in French and English."""
    path = Path(_git("rev-parse", "--git-path", "hooks/pre-commit").strip())
    script = hook_script(python)
    done_fr = "Hook installé"
    done_en = "Hook installed"
    if path.is_file():
        current = path.read_text("utf-8", "replace")
        if current == script:
            done_fr, done_en = "Hook déjà installé", "Hook already installed"
        elif HOOK_MARKER in current:
            done_fr, done_en = "Hook mis à jour", "Hook updated"
        elif not force:
            raise HookError(
                f"Un autre hook pre-commit existe déjà ({path}) : rien n'a été changé.\n"
                "Relancez avec « badgegen hook install --force » pour le remplacer "
                "(l'ancien sera gardé dans pre-commit.before-badgegen).",
                f"Another pre-commit hook already exists ({path}): nothing was changed.\n"
                "Run 'badgegen hook install --force' to replace it "
                "(the old one is kept as pre-commit.before-badgegen).",
            )
        else:
            path.replace(path.with_name("pre-commit.before-badgegen"))
            done_fr, done_en = (
                "Hook installé (l'ancien est gardé dans pre-commit.before-badgegen)",
                ("Hook installed (the old one is kept as pre-commit.before-badgegen)"),
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text("utf-8", "replace") != script:
        path.write_text(script, "utf-8")
    path.chmod(0o755)
    return (
        f"{done_fr} : {path}. Chaque « git commit » vérifie désormais qu'aucune donnée personnelle "
        "(adresse e-mail, téléphone, photo avec position GPS, tableur…) n'est enregistrée.",
        f"{done_en}: {path}. Every 'git commit' now checks that no personal data "
        "(e-mail address, phone, photo with a GPS position, spreadsheet...) is recorded.",
    )


# --- the staged check ---------------------------------------------------------------------


def staged_errors(content: Path) -> list[ContentError]:
    """`privacy-check --staged`: the staged version of the files the commit would record."""
    top = Path(_git("rev-parse", "--show-toplevel").strip())
    prefix = _content_prefix(content, top)
    names = _split(_git("diff", "--cached", "--name-only", "-z", "--diff-filter=d", cwd=top))
    wanted: dict[str, str | None] = {}
    for name in names:
        inside = name[len(prefix) + 1 :] if name.startswith(prefix + "/") else None
        spreadsheet = PurePosixPath(name).suffix.lower() in SPREADSHEET_SUFFIXES
        # Every file of the content folder: any of them may hold a private key (check_file).
        if spreadsheet or inside is not None:
            wanted[name] = inside
    if not wanted:
        return []
    declared = _split(
        _git("ls-files", "-z", "--cached", "--", f"{prefix}/registry.yaml", f"{prefix}/issuers", cwd=top)
    )
    issuer_files = [name for name in declared if PurePosixPath(name).parent.as_posix() == f"{prefix}/issuers"]
    issuer_files = [name for name in issuer_files if name.endswith((".yaml", ".yml"))]
    blobs = _staged_blobs(top, [*wanted, *declared])
    public = public_addresses_in(
        lambda relative: blobs.get(f"{prefix}/{relative}"),
        [name[len(prefix) + 1 :] for name in issuer_files],
    )
    errors: list[ContentError] = []
    for name, inside in sorted(wanted.items()):
        data = blobs.get(name)
        if data is not None:
            errors += check_file(name, inside, data, public)
            errors += restricted_errors(name, inside, data, prefix)
    return errors


def restricted_errors(shown: str, inside: str | None, data: bytes, prefix: str) -> list[ContentError]:
    """A restricted badge or award (`restricted: true`) staged in the content folder: refused
    before it enters the repository's history, where it would stay even once deleted."""
    kind = (inside or "").split("/", 1)[0]
    if kind not in ("badges", "awards") or not shown.endswith(".yaml"):
        return []
    try:
        document = parse_yaml(decode_utf8(data))
    except YamlProblem:
        return []  # validate reports it
    if not isinstance(document.data, dict) or document.data.get("restricted") is not True:
        return []
    what_fr = "cette attribution est restreinte (restricted: true), jamais publiée"
    if kind == "badges":
        what_fr = "ce badge est restreint (restricted: true), jamais publié"
    return [
        make_error(
            shown,
            document.position_of(("restricted",)),
            "restricted-in-public",
            "restricted",
            what_fr=what_fr,
            what_en=f"this {'badge' if kind == 'badges' else 'award'} is restricted (restricted: true), never published",
            target="private/" + (inside or ""),
        )
    ]


def _content_prefix(content: Path, top: Path) -> str:
    """The content folder as a path inside the repository (`content`)."""
    resolved = content.resolve()
    try:
        return resolved.relative_to(top.resolve()).as_posix()
    except ValueError:
        return content.as_posix().strip("/")


def _staged_blobs(top: Path, names: list[str]) -> dict[str, bytes]:
    """The staged bytes of each path (`git cat-file --batch` on `:path`), in one process."""
    names = [name for name in dict.fromkeys(names) if "\n" not in name]
    request = "".join(f":{name}\n" for name in names).encode("utf-8")
    output = _run(["git", "cat-file", "--batch"], cwd=top, stdin=request)
    blobs: dict[str, bytes] = {}
    offset = 0
    for name in names:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split()
        offset = header_end + 1
        if len(header) != 3:  # "<name> missing"
            continue
        size = int(header[2])
        if header[1] == b"blob":
            blobs[name] = output[offset : offset + size]
        offset += size + 1
    return blobs


def _split(output: str) -> list[str]:
    return [name for name in output.split("\x00") if name]


def _git(*args: str, cwd: Path | None = None) -> str:
    return _run(["git", *args], cwd=cwd).decode("utf-8", "surrogateescape")


def _run(command: list[str], *, cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise HookError("git est introuvable : installez git.", "git is not installed.") from exc
    if result.returncode != 0:
        problem = result.stderr.decode("utf-8", "replace").strip()
        raise HookError(
            f"la commande « {' '.join(command[:3])} » a échoué ({problem}) : lancez-la dans le dépôt git.",
            f"'{' '.join(command[:3])}' failed ({problem}): run it inside the git repository.",
        )
    return result.stdout
