"""The command line: `badgegen build | validate | serve | award | revoke | new | hook | privacy-check …`.

A thin layer: parse options, call the pipeline, print. Content problems and
other `BadgegenError`s are printed without a traceback and give their exit code
(2 for content); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from badgegen import ledger, restricted, search
from badgegen.annotations import report_failure, report_success
from badgegen.errors import BadgegenError, ContentError
from badgegen.pipeline import BuildConfig, BuildReport, build, check


def _parser(*, extra_commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="badgegen",
        description="Registre Open Badges : contenu YAML → site statique. (Open Badges registry: YAML → static site.)",
    )
    commands = parser.add_subparsers(dest="command")
    for name, about, run in (
        ("build", "construire le site à partir du contenu (commande par défaut)", _run_build),
        ("validate", "vérifier le contenu sans rien écrire", _run_validate),
        ("serve", "construire puis montrer le site sur cet ordinateur (127.0.0.1)", _run_serve),
    ):
        command = commands.add_parser(name, help=about, description=about)
        add_common_options(command)
        command.set_defaults(run=run)
        if name == "serve":
            command.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        if name in ("build", "serve"):
            _add_build_options(command)
        if name == "build":
            command.add_argument(
                "--delivery",
                type=Path,
                help="where the signed credentials of restricted awards are written, one folder per award, "
                "to hand to their earners (default delivery/ beside the content folder; never published)",
            )
    if extra_commands:
        for module in _EXTRA_COMMANDS:
            register: Callable[[Any], None] = importlib.import_module(module).register
            register(commands)
    return parser


#: Other commands, each registered by its own module: `register(subparsers)` adds a
#: parser whose `run` default is `run(args) -> exit code`. They are imported only when the
#: command line may name one of them: `build`, `validate` and `serve` (run at every change
#: and in every pull request) do not pay for loading them.
_EXTRA_COMMANDS = (
    "badgegen.privacy",
    "badgegen.award_cmd",
    "badgegen.revoke_cmd",
    "badgegen.scaffold",
    "badgegen.ob3.keys",
)
_CORE_COMMANDS = ("build", "validate", "serve")


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """`--lang`: the language of every message (French unless asked)."""
    parser.add_argument(
        "--lang",
        choices=("fr", "en"),
        default=os.environ.get("BADGEGEN_LANG", "fr"),
        help="language of messages (default fr, or $BADGEGEN_LANG)",
    )


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    """The options of the builds: cache, cores, timings."""
    parser.add_argument(
        "--cache",
        type=Path,
        help="build cache folder, safe to delete (default .badgegen-cache/ beside the output folder)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="a full build that neither reads nor writes the cache"
    )
    parser.add_argument(
        "--jobs", type=int, default=0, help="processes producing the award files (default: every core)"
    )
    parser.add_argument(
        "--timings", type=Path, help="write how long each stage took, and what was kept or written, as JSON"
    )
    parser.add_argument(
        "--search-shard-pages",
        type=int,
        default=search.SHARD_PAGES,
        help=f"pages per part of the search index, one language a part (default {search.SHARD_PAGES}): "
        "a change indexes only its part again",
    )


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """The options of build, validate and serve."""
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default content/)"
    )
    parser.add_argument("--out", type=Path, default=Path("site"), help="output folder (default site/)")
    parser.add_argument(
        "--private",
        type=Path,
        help="private folder of restricted badges and awards, never published "
        "(default private/ beside the content folder)",
    )
    parser.add_argument("--base-url", help="public address of the site, overriding registry.yaml")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument(
        "--frozen-ledger",
        action="store_true",
        help="check content/published.txt but never add to it (pull-request checks)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github: also print each problem as a GitHub Actions annotation on stdout, "
        "and append a summary to $GITHUB_STEP_SUMMARY (default text)",
    )
    add_lang_option(parser)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in `argv` and return the exit code.

    Run as the program (`argv` None), it ends the process itself once everything is
    written: freeing the objects of a large build one by one (hundreds of thousands at
    50 000 awards) took longer than some builds, for nothing.
    """
    code = _main(argv)
    if argv is None:
        _exit_at_once(code)
    return code


def _exit_at_once(code: int) -> None:
    """`sys.exit(code)` without tearing the interpreter down: every file the command wrote is
    closed (and renamed into place) by now; only the standard streams need flushing."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, "build")
    args = _parser(extra_commands=args_list[0] not in _CORE_COMMANDS).parse_args(args_list)
    try:
        code: int = args.run(args)
    except BrokenPipeError:
        # The reader went away (`badgegen … | head`): not an error of ours, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except BadgegenError as error:
        print(error.format_message(args.lang), file=sys.stderr)
        if getattr(args, "format", "text") == "github":
            report_failure(error, args.lang)
        return error.exit_code
    return code


def _config(args: argparse.Namespace, base_url: str | None = None, *, preview: bool = False) -> BuildConfig:
    return BuildConfig(
        content=args.content,
        out=args.out,
        base_url=base_url or args.base_url,
        strict=args.strict,
        update_ledger=not (preview or getattr(args, "frozen_ledger", False)),  # a preview publishes nothing
        private=args.private,
        delivery=getattr(args, "delivery", None),
        deliver=args.run is _run_build,  # only `build` signs and delivers restricted awards
        cache=getattr(args, "cache", None),
        use_cache=not getattr(args, "no_cache", False),
        jobs=max(0, getattr(args, "jobs", 0)),
        search_shard_pages=max(1, getattr(args, "search_shard_pages", search.SHARD_PAGES)),
    )


def _run_validate(args: argparse.Namespace) -> int:
    config = _config(args)
    report = check(config)
    _print_warnings(report.warnings, args.lang)
    print(_validated_line(report, args.lang))
    private_line = restricted.counts_line(report.restricted, config.private_folder, args.lang)
    if private_line is not None:
        print(private_line)
    if args.format == "github":
        report_success([_validated_line(report, args.lang)], report.warnings, args.lang)
    return 0


def _run_build(args: argparse.Namespace) -> int:
    config = _config(args)
    report = build(config)
    _write_timings(args.timings, report)
    _print_warnings(report.warnings, args.lang)
    print(_built_line(report, config.out, args.lang), flush=True)
    print(_ob3_line(report, args.lang), flush=True)
    if config.update_ledger:
        print(ledger.summary(report.ledger_added, config.content, args.lang), flush=True)
    if report.delivery is not None:
        for line in restricted.summary(report.delivery, args.lang):
            print(line, flush=True)
    if args.format == "github":
        result = [_built_line(report, config.out, args.lang), _validated_line(report, args.lang)]
        report_success(result, report.warnings, args.lang)
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    config = _config(args, args.base_url or f"http://127.0.0.1:{args.port}/", preview=True)
    report = build(config)
    _print_warnings(report.warnings, args.lang)
    print(_built_line(report, config.out, args.lang), flush=True)
    print(_ob3_line(report, args.lang), flush=True)
    from badgegen.serve import serve_forever  # (http.server: only when serving)

    serve_forever(config.out, args.port, args.lang)
    return 0


def _write_timings(target: Path | None, report: BuildReport) -> None:
    """`--timings FILE`: the figures of this build, for benchmarks (bench/scale.py)."""
    if target is None:
        return
    figures = {
        "seconds": round(report.seconds, 4),
        "stages": report.stages,
        "up_to_date": report.up_to_date is not None,
        "files": report.file_count,
        "bytes": report.byte_count,
        "files_written": report.files_written,
        "files_copied": report.files_copied,
        "files_unchanged": report.file_count - report.files_written - report.files_copied,
        "units_kept": report.units_kept,
        "units_produced": report.units_produced,
        "signed": report.signed,
        "signatures_made": report.signed - report.signatures_reused,
        "signatures_reused": report.signatures_reused,
        "signing_seconds": round(report.signing_seconds, 4),
    }
    target.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")


def _print_warnings(warnings: list[ContentError], lang: str) -> None:
    for warning in sorted(warnings):
        print(warning.format(lang), file=sys.stderr)


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _validated_line(report: BuildReport, lang: str) -> str:
    numbers = report.counts()
    if lang == "fr":
        words = [("organisation", "organisations"), ("badge", "badges"), ("attribution", "attributions")]
        words.append(("recommandation", "recommandations"))
        head = "Contenu valide : "
    else:
        words = [
            ("issuer", "issuers"),
            ("badge", "badges"),
            ("award", "awards"),
            ("endorsement", "endorsements"),
        ]
        head = "Content is valid: "
    return head + ", ".join(_count(n, *w) for n, w in zip(numbers, words, strict=True)) + "."


def _ob3_line(report: BuildReport, lang: str) -> str:
    """Whether Open Badges 3.0 credentials were signed (a missing key is not an error)."""
    key = report.signing_id
    if key is None:
        if lang == "fr":
            return "OB 3.0 : pas de clé de signature, les justificatifs signés ne sont pas produits"
        return "OB 3.0: no signing key, the signed credentials are not produced"
    count, seconds = report.signed, report.signing_seconds
    reused = report.signatures_reused
    if lang == "fr":
        kept = f" (dont {reused} déjà signés, repris du cache)" if reused else ""
        return f"OB 3.0 : {count} documents signés avec la clé « {key} »{kept}, en {seconds:.2f} s."
    kept = f" ({reused} of them signed before, taken from the cache)" if reused else ""
    return f"OB 3.0: {count} documents signed with the key '{key}'{kept}, in {seconds:.2f} s."


def _built_line(report: BuildReport, out: Path, lang: str) -> str:
    files, size = report.file_count, report.byte_count / 1024
    if report.up_to_date is not None:  # nothing changed since the last build: nothing was done
        if lang == "fr":
            return (
                f"Site déjà à jour dans {out}/ : rien n'a changé depuis la dernière construction "
                f"({files} fichiers, {size:.0f} Ko), vérifié en {report.seconds:.2f} s."
            )
        return (
            f"Site already up to date in {out}/: nothing changed since the last build "
            f"({files} files, {size:.0f} KB), checked in {report.seconds:.2f} s."
        )
    if lang == "fr":
        return f"Site construit dans {out}/ : {files} fichiers, {size:.0f} Ko, en {report.seconds:.2f} s."
    return f"Site built in {out}/: {files} files, {size:.0f} KB, in {report.seconds:.2f} s."
