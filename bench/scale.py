"""How validation and builds scale with the number of awards (issue 6).

For each size N, writes a synthetic registry (bench/synth.py) into a temporary folder
and times real command-line runs of `badgegen` on it, each in its own process so that
its wall time and its own peak memory (ru_maxrss from wait4) are those a coordinator
or the CI would see:

    validate · cold build · rebuild (nothing changed) · rebuild (one award changed)
    · rebuild (one badge changed) · cold signed build (OB 3.0) · warm signed rebuild
    (one award changed) · size of the site per award

    .venv/bin/python bench/scale.py [--sizes 1000,10000,50000] [--json FILE] [--keep DIR]

Builds publish as the CI on main does: without --frozen-ledger, so the first build
records every address in content/published.txt and later ones check it. Children run
with SOURCE_DATE_EPOCH fixed, in English, without any signing key of the caller's
environment. A benchmark, not a test: a failing step prints the end of its stderr, is
recorded as null and the next step runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from synth import generate, touch_text

REPO = Path(__file__).resolve().parent.parent
SOURCE_DATE_EPOCH = "1795953600"  # 2026-11-29T12:00:00Z: after every synthetic date
KEY_ID = "bench-key"
DEFAULT_SIZES = (1000, 10000, 50000)
STEPS = {
    "validate": "validate",
    "build_cold": "build cold",
    "rebuild_first": "rebuild, first (fills 2nd tree)",
    "rebuild_unchanged": "rebuild, nothing changed",
    "rebuild_one_unlisted": "rebuild, 1 unlisted award changed",
    "rebuild_one_award": "rebuild, 1 listed award changed",
    "rebuild_one_badge": "rebuild, 1 badge changed",
    "rebuild_every_unit": "rebuild, registry tagline changed (every unit made again)",
    "build_clone": "build cold, all published (clean clone)",
    "signed_cold": "signed build cold",
    "signed_first": "signed rebuild, first",
    "signed_warm_one_award": "signed rebuild, 1 award changed",
    "signed_every_unit": "signed rebuild, registry tagline changed",
}


@dataclass
class Step:
    """One command-line run; seconds and memory are null when it failed."""

    exit_code: int
    seconds: float | None
    max_rss_mb: float | None
    timings: dict[str, Any] | None = None  # the build's own --timings file, when it has the option
    stderr_tail: str | None = None


@dataclass
class Run:
    """What a child process did."""

    code: int
    seconds: float
    max_rss_kb: int
    stdout: str
    stderr: str


def run_child(args: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run `args` and wait for it with wait4: its own peak RSS, not the sum of all children's."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Run(
            process.returncode,
            seconds,
            usage.ru_maxrss,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def child_environment() -> dict[str, str]:
    """Comparable runs: fixed build time, English messages, no key unless a step adds it.

    Python may write its bytecode (`PYTHONDONTWRITEBYTECODE` is dropped): an installed
    badgegen has it (pip compiles it at install time), so a coordinator's command does not
    compile badgegen's modules at each run; without it, each run paid about 0.1 s for that.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("BADGEGEN_SIGNING_KEY") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, BADGEGEN_LANG="en")
    return env


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


class Bench:
    """Runs `badgegen` on one generated folder (`content/` in, `site/` out)."""

    def __init__(self, badgegen: Path, folder: Path) -> None:
        self.badgegen = badgegen
        self.folder = folder
        self.env = child_environment()
        #: Whether `build --timings FILE` exists (None: not tried yet); the option is new.
        self.timings_option: bool | None = None

    def command(self, verb: str, *extra: str, out: str = "site") -> list[str]:
        return [str(self.badgegen), verb, "--content", "content", "--out", out, *extra]

    def validate(self) -> Step:
        return self.step(run_child(self.command("validate"), self.folder, self.env))

    def build(self, name: str, secret: str | None = None, out: str = "site") -> Step:
        """One build into `out` (its cache beside it); with --timings when badgegen has it (exit
        2 "unrecognized arguments" if not)."""
        env = self.env if secret is None else {**self.env, "BADGEGEN_SIGNING_KEY": secret}
        timings = self.folder / "timings" / f"{name}.json"
        timings.parent.mkdir(exist_ok=True)
        timings.unlink(missing_ok=True)
        if self.timings_option is not False:
            run = run_child(self.command("build", "--timings", str(timings), out=out), self.folder, env)
            if run.code == 2 and "unrecognized arguments" in run.stderr:
                self.timings_option = False
            else:
                self.timings_option = True
                return self.step(run, timings)
        return self.step(run_child(self.command("build", out=out), self.folder, env), timings)

    def step(self, run: Run, timings: Path | None = None) -> Step:
        if run.code != 0:
            print(f"    failed (exit {run.code}):\n{tail(run.stderr)}", flush=True)
            return Step(run.code, None, None, None, tail(run.stderr))
        found = None
        if timings is not None and timings.is_file():
            found = json.loads(timings.read_text(encoding="utf-8"))
        return Step(0, round(run.seconds, 3), round(run.max_rss_kb / 1024, 1), found)

    def forget_outputs(self) -> None:
        """A cold build: no site, no staging leftovers, no build cache."""
        for path in [self.folder / ".badgegen-cache", self.folder / "site", *self.folder.glob(".site*")]:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    def forget_stamp(self) -> None:
        """Make the next build run even if nothing changed (`badgegen.uptodate`): the first
        rebuild after a cold build is measured filling the second output tree, as it does
        the first time something changes."""
        (self.folder / ".badgegen-cache" / "up-to-date.pickle").unlink(missing_ok=True)

    def add_signing_key(self) -> str | None:
        """`badgegen keys generate`: its public key goes to registry.yaml, its secret is returned."""
        run = run_child([str(self.badgegen), "keys", "generate", "--id", KEY_ID], self.folder, self.env)
        secret = re.search(r"^\s+(z3u2\S+)\s*$", run.stdout, re.MULTILINE)
        entry = re.search(r"^signing_keys:\n(?:  .*\n?)+", run.stdout, re.MULTILINE)
        if run.code != 0 or secret is None or entry is None:
            print(f"    keys generate failed (exit {run.code}):\n{tail(run.stderr)}", flush=True)
            return None
        registry = self.folder / "content" / "registry.yaml"
        text = registry.read_text(encoding="utf-8")
        registry.write_text(text.rstrip("\n") + "\n" + entry.group(0).rstrip("\n") + "\n", encoding="utf-8")
        return secret.group(1)


def listed_awards(content: Path, listed: bool = True, wanted: int = 2) -> list[Path]:
    """Listed (or unlisted) unrevoked award files, in a fixed order: the ones edited between rebuilds.

    An unlisted award is on no indexed page (the search index is not made again for it).
    """
    found = []
    for path in sorted(content.glob("awards/*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        if (
            ("\nlisted: true" in text) == listed
            and "\nrevoked:" not in text
            and "\nnarrative:\n  fr: |-" in text
        ):
            found.append(path)
            if len(found) == wanted:
                break
    return found


def change_tagline(content: Path, note: str) -> None:
    """Put `note` before the French tagline of registry.yaml (as `bench/synth.py` writes it)."""
    registry = content / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    head = 'tagline:\n  fr: "'
    if head not in text:
        raise ValueError(f"{registry}: no French tagline to change")
    registry.write_text(text.replace(head, f"{head}{note} ", 1), encoding="utf-8")


def site_size(site: Path) -> dict[str, Any] | None:
    """Bytes and number of regular files under `site` (links are neither followed nor counted)."""
    if not site.is_dir():
        return None
    total = files = 0
    for root, _, names in os.walk(site, followlinks=False):
        for name in names:
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                total += path.lstat().st_size
                files += 1
    return {"bytes": total, "files": files}


def signing_figures(step: Step) -> dict[str, Any]:
    """From the --timings file: the documents given a proof (`documents`), of which signed
    (`signed`) and taken from the proofs memo (`reused`), the signing seconds, and the seconds
    per document given a proof (else null).

    Per document given a proof, not per signature: a warm build signs one credential and takes
    the others' proofs from the memo (5 000 documents at 50 000 awards), so its signing seconds
    over one signature said 0.6 s "per document"."""
    timings = step.timings or {}
    signed = timings.get("signatures_made", timings.get("signed"))
    reused = timings.get("signatures_reused")
    documents = timings.get("signed", signed)
    seconds = timings.get("signing_seconds")
    per = round(seconds / documents, 6) if isinstance(seconds, int | float) and documents else None
    return {
        "documents": documents,
        "signed": signed,
        "reused": reused,
        "signing_seconds": seconds,
        "seconds_per_document": per,
    }


def measure(badgegen: Path, folder: Path, awards: int) -> dict[str, Any]:
    """Every step for one size; prints each as it finishes."""
    started = time.perf_counter()
    content = generate(folder, awards)
    result: dict[str, Any] = {"awards": awards, "generate_seconds": round(time.perf_counter() - started, 3)}
    counts = json.loads((folder / "synth.json").read_text(encoding="utf-8"))
    per_badge = counts.pop("awards_per_badge")
    result["content"] = counts
    print(f"[N={awards}] generated in {result['generate_seconds']:.2f} s", flush=True)
    bench = Bench(badgegen, folder)
    steps: dict[str, Step | None] = dict.fromkeys(STEPS)
    result["steps"] = steps

    def done(name: str, step: Step | None) -> None:
        steps[name] = step
        print(f"[N={awards}] {STEPS[name]}: {cell(asdict(step) if step else None)}", flush=True)

    done("validate", bench.validate())
    bench.forget_outputs()
    done("build_cold", bench.build("build_cold"))
    bench.forget_stamp()
    done("rebuild_first", bench.build("rebuild_first"))
    done("rebuild_unchanged", bench.build("rebuild_unchanged"))
    unlisted = listed_awards(content, listed=False, wanted=1)
    if unlisted:
        touch_text(unlisted[0], "narrative", "Récit modifié pour le banc d'essai (non listé).")
    done("rebuild_one_unlisted", bench.build("rebuild_one_unlisted"))
    edited = listed_awards(content)
    badge = sorted(content.glob("badges/*.yaml"))[0]
    result["edited"] = {
        "award": edited[0].relative_to(folder).as_posix() if edited else None,
        "unlisted_award": unlisted[0].relative_to(folder).as_posix() if unlisted else None,
        "badge": badge.stem,
        "badge_awards": per_badge.get(badge.stem, 0),
        "signed_award": edited[1].relative_to(folder).as_posix() if len(edited) > 1 else None,
    }
    if edited:
        touch_text(edited[0], "narrative", "Récit modifié pour le banc d'essai.")
    done("rebuild_one_award", bench.build("rebuild_one_award"))
    touch_text(badge, "description", "Description modifiée pour le banc d'essai.")
    done("rebuild_one_badge", bench.build("rebuild_one_badge"))
    # Every unit depends on the registry's settings: each is made again, most files keep their
    # bytes (as after a new version of badgegen), the most any incremental build does.
    change_tagline(content, "Banc d'essai.")
    done("rebuild_every_unit", bench.build("rebuild_every_unit"))
    # What a clean clone builds (a pull request's check without a cache): no cache, no output
    # tree, and a ledger that lists every address already (its check compares them all).
    # Into a folder of its own: deleting the site first would slow the disk (see the README).
    done("build_clone", bench.build("build_clone", out="clone/site"))
    site: dict[str, Any] = {"unsigned": site_size(folder / "site"), "signed": None}  # null: no site
    secret = bench.add_signing_key()
    if secret is not None:
        bench.forget_outputs()
        done("signed_cold", bench.build("signed_cold", secret))
        bench.forget_stamp()
        done("signed_first", bench.build("signed_first", secret))
        if len(edited) > 1:
            touch_text(edited[1], "narrative", "Récit modifié pour le banc d'essai (signé).")
        done("signed_warm_one_award", bench.build("signed_warm_one_award", secret))
        change_tagline(content, "Banc d'essai, signé.")
        done("signed_every_unit", bench.build("signed_every_unit", secret))
        site["signed"] = site_size(folder / "site")
    for sizes in site.values():
        if sizes is not None:
            sizes["bytes_per_award"] = round(sizes["bytes"] / awards)
    result["site"] = site
    result["signing"] = {
        "cold": signing_figures(steps["signed_cold"]) if steps["signed_cold"] else None,
        "warm": signing_figures(steps["signed_warm_one_award"]) if steps["signed_warm_one_award"] else None,
    }
    result["timings_option"] = bench.timings_option
    result["steps"] = {name: asdict(step) if step else None for name, step in steps.items()}
    return result


# --- report -----------------------------------------------------------------------------------


def cell(step: dict[str, Any] | None) -> str:
    if step is None:
        return "-"
    if step["seconds"] is None:
        return f"failed ({step['exit_code']})"
    text = f"{step['seconds']:.2f} s {step['max_rss_mb']:.0f} MB"
    if (step.get("timings") or {}).get("up_to_date"):
        text += " (up to date)"  # the build found nothing changed and did nothing (badgegen.uptodate)
    return text


def number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(runs: dict[str, dict[str, Any]]) -> str:
    """Rows = measures, columns = sizes."""
    rows: list[tuple[str, list[str]]] = [("awards", [f"{int(n):,}" for n in runs])]
    rows.append(("generate", [f"{r['generate_seconds']:.2f} s" for r in runs.values()]))
    for name, label in STEPS.items():
        rows.append((label, [cell(r["steps"][name]) for r in runs.values()]))
    for when in ("cold", "warm"):
        figures = [r["signing"][when] or {} for r in runs.values()]
        per = [f.get("seconds_per_document") for f in figures]
        rows.append((f"signing ms/document given a proof, {when}", [number(s and s * 1000, 2) for s in per]))
        rows.append((f"documents signed, {when}", [number(f.get("signed")) for f in figures]))
        rows.append((f"proofs taken from the memo, {when}", [number(f.get("reused")) for f in figures]))
    for kind in ("unsigned", "signed"):
        sizes = [r["site"][kind] or {} for r in runs.values()]
        rows.append((f"site bytes/award, {kind}", [number(s.get("bytes_per_award")) for s in sizes]))
        rows.append((f"site files, {kind}", [number(s.get("files")) for s in sizes]))
    width = max(len(label) for label, _ in rows)
    columns = [max(len(row[1][i]) for row in rows) for i in range(len(runs))]
    lines = [
        f"{label:<{width}}  " + "  ".join(f"{v:>{w}}" for v, w in zip(values, columns, strict=True))
        for label, values in rows
    ]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """Enough to compare two result files: processors, Python, CPU, memory, commit, date."""
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8") if Path("/proc/cpuinfo").is_file() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    info["cpu"] = model.group(1).strip() if model else platform.processor() or None
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8") if Path("/proc/meminfo").is_file() else ""
    total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
    info["memory_mb"] = int(total.group(1)) // 1024 if total else None
    info["git_commit"] = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", "badgegen", "templates", "pyproject.toml")
    info["git_changes"] = status.splitlines() if status else []  # uncommitted product changes measured
    return info


def git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.rstrip()


def find_badgegen() -> Path:
    """The `badgegen` beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "badgegen"
    if beside.is_file():
        return beside
    found = shutil.which("badgegen")
    if found is None:
        raise SystemExit("badgegen not found: run with the venv's Python (.venv/bin/python bench/scale.py)")
    return Path(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="numbers of awards")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "scale-latest.json")
    parser.add_argument(
        "--keep", type=Path, help="generate into DIR/n<N> and keep it (default: a /tmp folder)"
    )
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",") if size.strip()]
    badgegen = find_badgegen()
    when = datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), UTC).isoformat()
    print(f"children run with SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH} ({when}), BADGEGEN_LANG=en,")
    print("without the caller's BADGEGEN_SIGNING_KEY*; the signed steps use a key made for the run.")
    report: dict[str, Any] = {
        "machine": machine(),
        "badgegen": str(badgegen),
        "source_date_epoch": int(SOURCE_DATE_EPOCH),
        "sizes": sizes,
        "runs": {},
    }
    work = options.keep or Path(tempfile.mkdtemp(prefix="badgegen-scale-", dir="/tmp"))
    try:
        for size in sizes:
            report["runs"][str(size)] = measure(badgegen, work / f"n{size}", size)
            print("\n" + table(report["runs"]) + "\n", flush=True)
            write_json(options.json, report)  # after each size: a long run keeps what it measured
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"written: {options.json}")
    return 0


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
