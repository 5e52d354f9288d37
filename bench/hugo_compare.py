"""Hugo's cold build of the same registries, for issue 6's "≤ 0.4 × Hugo, side by side".

For each size N: writes the synthetic registry `scale.py` measures (bench/synth.py, same
N and seed, so the same content), converts it into an equivalent Hugo project
(bench/hugo_site.py: what is and is not equivalent is said there), then times cold
`hugo --quiet` builds of it, each a child process measured like scale.py's steps: wall
time from start to exit, and its peak resident memory from wait4 (Hugo is one process).

    .venv/bin/python bench/hugo_compare.py [--sizes 1000,10000,50000] [--runs 1] [--keep DIR]

Cold means nothing left from an earlier build: each run writes into a new `public-<k>/`,
with a new resource folder (HUGO_RESOURCEDIR) and cache folder (--cacheDir), never read
before. New folders rather than deleted ones, because deleting a big tree just before
a measure slows file creation on some disks for minutes. badgegen is not run here
(`scale.py` measures it): run both on the same machine, at the same time of day, and
compare the cold builds. The files and bytes Hugo wrote are counted to compare the sites.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hugo_site import convert
from scale import machine, run_child, site_size, tail, write_json
from synth import generate

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (1000, 10000, 50000)


def hugo_version(hugo: str) -> str | None:
    try:
        done = subprocess.run([hugo, "version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def cold_build(hugo: str, project: Path, run: int) -> dict[str, Any]:
    """One cold `hugo --quiet` into public-<run>/, with a resource and a cache folder of its own."""
    public, resources, cache = (project / f"{name}-{run}" for name in ("public", "resources", "cache"))
    for folder in (public, resources, cache):
        if folder.exists():
            raise SystemExit(f"{folder} exists: a cold build needs new folders (use another --keep DIR)")
    env = {**os.environ, "HUGO_RESOURCEDIR": str(resources)}
    args = [hugo, "--quiet", "--destination", str(public), "--cacheDir", str(cache)]
    child = run_child(args, project, env)
    if child.code != 0:
        print(f"    hugo failed (exit {child.code}):\n{tail(child.stderr)}", flush=True)
        return {
            "exit_code": child.code,
            "seconds": None,
            "max_rss_mb": None,
            "stderr_tail": tail(child.stderr),
        }
    return {
        "exit_code": 0,
        "seconds": round(child.seconds, 3),
        "max_rss_mb": round(child.max_rss_kb / 1024, 1),
        "site": site_size(public),
    }


def measure(hugo: str, folder: Path, awards: int, runs: int) -> dict[str, Any]:
    """Generate, convert, then `runs` cold builds; prints each step as it finishes."""
    started = time.perf_counter()
    content = generate(folder, awards)
    generated = time.perf_counter()
    convert(content, folder / "hugo")
    converted = time.perf_counter()
    result: dict[str, Any] = {
        "awards": awards,
        "generate_seconds": round(generated - started, 3),
        "convert_seconds": round(converted - generated, 3),
        "content_files": sum(1 for _ in (folder / "hugo" / "content").rglob("*.md")),
        "builds": [],
    }
    print(
        f"[N={awards}] generated in {result['generate_seconds']:.1f} s, converted in "
        f"{result['convert_seconds']:.1f} s ({result['content_files']:,} content files)",
        flush=True,
    )
    for run in range(1, runs + 1):
        build = cold_build(hugo, folder / "hugo", run)
        result["builds"].append(build)
        print(f"[N={awards}] hugo cold build {run}: {describe(build)}", flush=True)
    return result


def describe(build: dict[str, Any]) -> str:
    if build["seconds"] is None:
        return f"failed ({build['exit_code']})"
    site = build["site"] or {}
    return (
        f"{build['seconds']:.2f} s, {build['max_rss_mb']:.0f} MB, "
        f"{site.get('files', 0):,} files, {site.get('bytes', 0) / 1e6:,.1f} MB"
    )


def table(results: dict[str, dict[str, Any]]) -> str:
    """One row per cold build: awards, seconds, peak memory, files and bytes written."""
    header = ("awards", "run", "seconds", "peak MB", "files", "bytes", "bytes/award")
    rows = [header]
    for result in results.values():
        for run, build in enumerate(result["builds"], start=1):
            site = build.get("site") or {}
            seconds, memory = build["seconds"], build["max_rss_mb"]
            rows.append(
                (
                    f"{result['awards']:,}",
                    str(run),
                    "failed" if seconds is None else f"{seconds:.2f}",
                    "-" if memory is None else f"{memory:,.0f}",
                    f"{site['files']:,}" if site else "-",
                    f"{site['bytes']:,}" if site else "-",
                    f"{site['bytes'] / result['awards']:,.0f}" if site else "-",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="numbers of awards")
    parser.add_argument("--runs", type=int, default=1, help="cold builds per size (each in new folders)")
    parser.add_argument("--hugo", default=shutil.which("hugo") or "hugo", help="the hugo binary")
    today = datetime.now(UTC).date().isoformat()
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / f"hugo-{today}.json")
    parser.add_argument("--keep", type=Path, help="work in DIR/n<N> and keep it (default: a /tmp folder)")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",") if size.strip()]
    version = hugo_version(options.hugo)
    if version is None:
        raise SystemExit(f"{options.hugo}: not found or not working (apt-get install hugo)")
    print(version, flush=True)
    report: dict[str, Any] = {"machine": machine(), "hugo": version, "sizes": sizes, "runs": {}}
    work = options.keep or Path(tempfile.mkdtemp(prefix="badgegen-hugo-", dir="/tmp"))
    try:
        for size in sizes:
            report["runs"][str(size)] = measure(options.hugo, work / f"n{size}", size, options.runs)
            print("\n" + table(report["runs"]) + "\n", flush=True)
            write_json(options.json, report)  # after each size: a long run keeps what it measured
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)  # at the end only: never right before a measure
    print(f"written: {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
