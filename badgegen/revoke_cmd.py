"""`badgegen revoke ID --reason "…"`: withdraw an award, which stays published.

The award file gets a `revoked:` block appended as text lines, so everything the
coordinator wrote (comments, order, quotes) stays as it was; it is never read and
rewritten by a YAML dumper. The new text is read back and checked against the
award schema before it replaces the file (atomically). The reason is published
(`revocationReason`), so it may hold no e-mail address or phone number.

Open Badges asks hosts to keep answering for a revoked assertion: the build keeps
assertions/<id>.json, now `{"revoked": true, "revocationReason": …}`.
"""

from __future__ import annotations

import argparse
import difflib
import secrets
import shutil
from pathlib import Path
from typing import Any

from badgegen.cmdutil import (
    BadInput,
    InputErrors,
    Problem,
    Site,
    Words,
    WriteFailed,
    add_command,
    add_content_and_lang,
    attempt,
    award_files,
    check_day,
    check_public_text,
    clean_text,
    content_day,
    fail,
    help_lang,
    open_content,
    shown,
    yaml_quote,
)
from badgegen.load import RawDocument, display_path
from badgegen.schema import schema_errors
from badgegen.yamlsafe import YamlProblem, decode_utf8, parse_yaml

_MAX_REASON = 300
_UNCHANGED = Words("le fichier n'a pas été modifié.", "the file was not changed.")


def register(commands: Any) -> None:
    """Add `badgegen revoke` to the sub-commands."""
    lang = help_lang()
    fr = lang == "fr"
    about = Words(
        "révoquer une attribution : elle reste publiée, marquée « révoqué »",
        "revoke an award: it stays published, marked 'revoked'",
    )(lang)
    parser: argparse.ArgumentParser = add_command(
        commands,
        "revoke",
        help=about,
        description=about,
        epilog=Words(
            'exemple :\n  badgegen revoke pu4kqz7xw2m5vt3ybnrc --reason "Badge attribué par erreur"',
            'example:\n  badgegen revoke pu4kqz7xw2m5vt3ybnrc --reason "Awarded by mistake"',
        )(lang),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "award",
        nargs="?",
        metavar="ID",
        help=Words(
            "l'identifiant de l'attribution : le nom de son fichier dans awards/<année>/, sans .yaml (ou son adresse de vérification)",
            "the award's id: its file name in awards/<year>/, without .yaml (or its verification address)",
        )(lang),
    )
    parser.add_argument(
        "--reason",
        metavar="RAISON" if fr else "REASON",
        help=Words(
            "pourquoi l'attribution est révoquée ; publié, donc sans donnée personnelle",
            "why the award is revoked; published, so no personal details",
        )(lang),
    )
    parser.add_argument(
        "--on",
        metavar="AAAA-MM-JJ" if fr else "YYYY-MM-DD",
        help=Words(
            "date de la révocation (par défaut aujourd'hui)", "date of the revocation (default today)"
        )(lang),
    )
    parser.add_argument(
        "--private",
        type=Path,
        metavar="DOSSIER" if fr else "DIR",
        help=Words(
            "dossier privé des badges restreints (par défaut private/ à côté du dossier du contenu)",
            "private folder of restricted badges (default private/ beside the content folder)",
        )(lang),
    )
    add_content_and_lang(parser, lang)
    parser.set_defaults(run=run)


def award_id_from(text: str) -> str:
    """`pu4k…`, `pu4k….yaml`, `content/awards/2026/pu4k….yaml` or its verification address → `pu4k…`."""
    value = text.strip().split("?", 1)[0].split("#", 1)[0].rstrip("/")
    value = value.rsplit("/", 1)[-1]
    for suffix in (".yaml", ".json", ".png", ".svg", ".html"):
        value = value.removesuffix(suffix)
    return value.lower()


def check_reason(raw: str) -> str:
    """The published reason: one line, not empty, not too long, no personal details."""
    reason = clean_text(raw, one_line=True)
    if not reason:
        raise BadInput(
            Problem(
                Words("la raison est vide.", "the reason is empty."),
                Words(
                    'écrivez en quelques mots pourquoi, par exemple --reason "Badge attribué par erreur".',
                    'write in a few words why, for example --reason "Awarded by mistake".',
                ),
            )
        )
    if len(reason) > _MAX_REASON:
        raise BadInput(
            Problem(
                Words(
                    f"la raison est trop longue ({len(reason)} caractères, {_MAX_REASON} au plus).",
                    f"the reason is too long ({len(reason)} characters, at most {_MAX_REASON}).",
                ),
                Words("une phrase courte suffit.", "one short sentence is enough."),
            )
        )
    check_public_text(reason, Words("la raison", "the reason"))
    return reason


def _find(site: Site, award_id: str, private: Path | None = None) -> Path:
    files = award_files(site.root)
    if private is not None:  # restricted awards (never published) live in the private folder
        for found_id, found in award_files(private).items():
            files.setdefault(found_id, []).extend(found)
    paths = files.get(award_id, [])
    if len(paths) > 1:
        shown_paths = ", ".join(display_path(p) for p in paths)
        raise BadInput(
            Problem(
                Words(
                    f"l'identifiant « {award_id} » est utilisé par plusieurs fichiers : {shown_paths}.",
                    f"the id '{award_id}' is used by several files: {shown_paths}.",
                ),
                Words(
                    "lancez « badgegen validate » et corrigez d'abord ce problème.",
                    "run 'badgegen validate' and fix this problem first.",
                ),
            )
        )
    if paths:
        return paths[0]
    known = sorted(files)
    close = [known_id for known_id in known if len(award_id) >= 4 and known_id.startswith(award_id)]
    close += [c for c in _close(award_id, known) if c not in close]
    hint = (
        Words(f"vouliez-vous dire {_or(close[:3], 'fr')} ? ", f"did you mean {_or(close[:3], 'en')}? ")
        if close
        else Words("", "")
    )
    raise BadInput(
        Problem(
            Words(
                f"aucune attribution n'a l'identifiant « {shown(award_id)} » (pas de fichier awards/<année>/{shown(award_id)}.yaml).",
                f"no award has the id '{shown(award_id)}' (no file awards/<year>/{shown(award_id)}.yaml).",
            ),
            Words(
                f"{hint.fr}l'identifiant est le nom du fichier de l'attribution, sans .yaml.",
                f"{hint.en}the id is the award's file name, without .yaml.",
            ),
        )
    )


def _close(value: str, known: list[str]) -> list[str]:
    return difflib.get_close_matches(value, known, n=3, cutoff=0.6)


def _or(values: list[str], lang: str) -> str:
    quoted = [f"« {v} »" if lang == "fr" else f"'{v}'" for v in values]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + (" ou " if lang == "fr" else " or ") + quoted[-1]


def revoked_block(on: str, reason: str, newline: str) -> str:
    """The lines appended to the award file."""
    lines = [
        "# Révoquée avec `badgegen revoke` : l'attribution reste publiée, marquée « révoqué ».",
        "revoked:",
        f'  "on": "{on}"',
        f"  reason: {yaml_quote(reason)}",
    ]
    return newline.join(lines) + newline


def run(args: argparse.Namespace) -> int:
    """`badgegen revoke`: append a revoked block to one award file."""
    lang: str = args.lang
    site = open_content(args.content)
    problems: list[Problem] = []
    if not args.award or not award_id_from(args.award):
        problems.append(
            Problem(
                Words(
                    "indiquez l'identifiant de l'attribution à révoquer.",
                    "give the id of the award to revoke.",
                ),
                Words(
                    'par exemple : badgegen revoke pu4kqz7xw2m5vt3ybnrc --reason "Badge attribué par erreur" ; l\'identifiant est le nom du fichier dans content/awards/<année>/, sans .yaml.',
                    'for example: badgegen revoke pu4kqz7xw2m5vt3ybnrc --reason "Awarded by mistake"; the id is the file name in content/awards/<year>/, without .yaml.',
                ),
            )
        )
    reason = None
    if args.reason is None:
        problems.append(
            Problem(
                Words(
                    'indiquez la raison avec --reason "…" : elle est publiée avec l\'attribution révoquée.',
                    'give the reason with --reason "…": it is published with the revoked award.',
                ),
                Words(
                    'par exemple --reason "Badge attribué par erreur" (sans nom, adresse ni numéro de téléphone).',
                    'for example --reason "Awarded by mistake" (no name, address or phone number).',
                ),
            )
        )
    else:
        reason = attempt(problems, Words("--reason", "--reason"), lambda: check_reason(args.reason))
    on = site.today
    if args.on is not None:
        on = attempt(problems, Words("--on", "--on"), lambda: check_day(args.on, site)) or on
    award_id = award_id_from(args.award or "")
    private = args.private if args.private is not None else site.root.parent / "private"
    path = attempt(problems, None, lambda: _find(site, award_id, private)) if award_id else None
    if problems:
        raise InputErrors(problems, _UNCHANGED)
    assert reason is not None and path is not None
    raw = path.read_bytes()
    try:
        text = decode_utf8(raw)
        document = parse_yaml(text)
    except YamlProblem as problem:
        raise _unreadable(path, problem.position[0]) from None
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("issued_on"), str):
        raise _unreadable(path, 1)
    if "revoked" in data:
        revoked = data["revoked"]
        when = revoked.get("on") if isinstance(revoked, dict) else None
        since = Words(f" (le {when})", f" (on {when})") if isinstance(when, str) else Words("", "")
        raise fail(
            Words(
                f"cette attribution est déjà révoquée{since.fr} : {display_path(path)}.",
                f"this award is already revoked{since.en}: {display_path(path)}.",
            ),
            Words(
                "rien à faire : elle reste publiée, marquée « révoqué ». Pour changer la raison, modifiez le bloc « revoked: » du fichier.",
                "nothing to do: it stays published, marked 'revoked'. To change the reason, edit the 'revoked:' block of the file.",
            ),
            _UNCHANGED,
        )
    issued = content_day(data["issued_on"], site)
    revoked_on = content_day(on.isoformat(), site)
    if issued is not None and revoked_on is not None and revoked_on < issued:
        raise InputErrors(
            [
                Problem(
                    Words(
                        f"la révocation ({on.isoformat()}) ne peut pas venir avant l'attribution ({data['issued_on']}).",
                        f"the revocation ({on.isoformat()}) cannot come before the award ({data['issued_on']}).",
                    ),
                    Words(
                        "donnez avec --on une date qui ne vient pas avant l'attribution.",
                        "give with --on a date that does not come before the award.",
                    ),
                    Words("--on", "--on"),
                )
            ],
            _UNCHANGED,
        )
    newline = "\r\n" if b"\r\n" in raw else "\n"
    ending = b"" if raw.endswith(b"\n") or not raw else newline.encode()
    block = revoked_block(on.isoformat(), reason, newline)
    new_raw = raw + ending + block.encode("utf-8")
    _check_result(new_raw, data, path, award_id, on.isoformat(), reason)
    _replace(path, new_raw)
    if path.resolve().is_relative_to(private.resolve()):
        _say_restricted(award_id, path, on.isoformat(), lang)
        return 0
    url = f"{site.base_url}assertions/{award_id}.json"
    if lang == "fr":
        print(f"Attribution {award_id} révoquée : {display_path(path)}")
        print(f"  date : {on.isoformat()}")
        print(f"  raison (publiée) : « {reason} »")
        print(
            f"Elle reste publiée à {url}, marquée « révoqué » : qui la vérifie verra qu'elle n'est plus valable, et pourquoi."
        )
        print("Enregistrez ce fichier dans git (commit) pour publier la révocation.")
    else:
        print(f"Award {award_id} revoked: {display_path(path)}")
        print(f"  date: {on.isoformat()}")
        print(f"  reason (published): '{reason}'")
        print(
            f"It stays published at {url}, marked 'revoked': whoever checks it will see that it is no longer valid, and why."
        )
        print("Commit this file to git to publish the revocation.")
    return 0


def _say_restricted(award_id: str, path: Path, on: str, lang: str) -> None:
    """A restricted award is never published: only its index in the revocation lists will say it."""
    if lang == "fr":
        print(f"Attribution restreinte {award_id} révoquée : {display_path(path)}")
        print(f"  date : {on}")
        print("  raison : gardée dans le dossier privé, jamais publiée.")
        print(
            "Lancez « badgegen build » avec la clé de signature : il ajoute à content/status-list.txt le seul "
            "numéro de ce badge dans la liste de révocation. Enregistrez ce fichier dans git (commit) : à la "
            "mise en ligne, qui vérifie le badge de la personne verra qu'il n'est plus valable."
        )
        return
    print(f"Restricted award {award_id} revoked: {display_path(path)}")
    print(f"  date: {on}")
    print("  reason: kept in the private folder, never published.")
    print(
        "Run 'badgegen build' with the signing key: it adds to content/status-list.txt this badge's number "
        "in the revocation list, and nothing else. Commit that file to git: once published, whoever checks "
        "the person's badge will see that it is no longer valid."
    )


def _unreadable(path: Path, line: int) -> InputErrors:
    return fail(
        Words(
            f"le fichier {display_path(path)} a un problème (ligne {line}) : il ne peut pas être complété.",
            f"the file {display_path(path)} has a problem (line {line}): it cannot be completed.",
        ),
        Words(
            "lancez « badgegen validate » pour voir le problème, corrigez-le, puis recommencez.",
            "run 'badgegen validate' to see the problem, fix it, then try again.",
        ),
        _UNCHANGED,
    )


def _check_result(
    new_raw: bytes, before: dict[str, Any], path: Path, award_id: str, on: str, reason: str
) -> None:
    """The completed file must read as before plus the revoked block, and pass the award schema."""
    expected = {**before, "revoked": {"on": on, "reason": reason}}
    try:
        document = parse_yaml(decode_utf8(new_raw))
        same = document.data == expected
    except YamlProblem:
        same = False
    if same:
        raw = RawDocument("award", award_id, path, display_path(path), document, folder=path.parent.name)
        same = not schema_errors(raw)
    if not same:
        block = revoked_block(on, reason, "\n").rstrip("\n").replace("\n", "\n        ")
        raise fail(
            Words(
                f"le fichier {display_path(path)} est écrit d'une façon qui empêche d'y ajouter la révocation automatiquement.",
                f"the file {display_path(path)} is written in a way that prevents adding the revocation automatically.",
            ),
            Words(
                f"ajoutez ces lignes à la fin du fichier, sans espace au début de « revoked: », puis lancez « badgegen validate » :\n        {block}",
                f"add these lines at the end of the file, with no space before 'revoked:', then run 'badgegen validate':\n        {block}",
            ),
            _UNCHANGED,
        )


def _replace(path: Path, data: bytes) -> None:
    """Write `data` over `path` atomically (a reader sees the old file or the new one)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_bytes(data)
        shutil.copymode(path, temporary)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise WriteFailed(path, exc.strerror or type(exc).__name__) from None
