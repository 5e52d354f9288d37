"""What a cold build costs without each of its checks: where the floor of the cold build is.

A cold build reads and checks the content, renders and writes every file, scans every file it
writes for personal data (`privacy.scan_file`, a non-negotiable of the project) and indexes the
listed pages for the search (Pagefind). This runs cold builds of one registry with the output
scan, the search index, or both replaced by nothing, in turn, each into a folder of its own
(nothing is deleted between builds: on ext4, creating files is slow for minutes after a bulk
delete), and prints the wall time and the stages of each. Every build checks the registry's
ledger of published addresses (`content/published.txt`), as the cold build of a published
registry does: the first build of a registry without one records it, and is not counted.

The builds without a part are not builds anyone should publish: they only say what that part
costs, and what is left without it. A benchmark, not a test: nothing here asserts a time.

    .venv/bin/python bench/synth.py /tmp/r10 --awards 10000
    .venv/bin/python bench/floor.py /tmp/r10 [--rounds 2] [--hugo]

With `--hugo`, each round also runs a cold Hugo build of the same registry, converted once by
`bench/hugo_site.py` (as `bench/hugo_compare.py` does): Hugo makes neither a search index nor
checks, so its fair match is the build without both.

Each build runs in a child process of its own (so the parts turned off are turned off in the
forked workers too, and each starts Python like a command does), run as `bench/scale.py` runs
its steps (`run_child`, `child_environment`: a fixed build time, no signing key, bytecode kept);
the output folders are left under the registry (`floor-*`), to be deleted once the figures are
read.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

from scale import child_environment, run_child, tail

#: The variants: name → the parts turned off.
VARIANTS = {
    "everything": (),
    "no output scan": ("scan",),
    "no search index": ("search",),
    "neither": ("scan", "search"),
}

#: Run in the child: turns the parts off, then builds like `badgegen build` does.
CHILD = r"""
import sys
from badgegen import cli, privacy, search, units
off = set(sys.argv[1].split(",")) - {""}
# What is replaced must exist: a renamed function would otherwise leave its part turned on.
assert callable(units.scan_file) and callable(privacy.OutputScanner.__call__)
assert callable(search.write_indexes)
if "scan" in off:
    units.scan_file = lambda *args, **kwargs: []
    privacy.OutputScanner.__call__ = lambda self, relative, data: None
if "search" in off:
    search.write_indexes = lambda writer, parts, jobs=1: {part.bundle: [] for part in parts}
sys.exit(cli.main(sys.argv[2:]))
"""


def build(registry: Path, off: tuple[str, ...], tag: str) -> tuple[float, dict[str, float]]:
    """One cold build of `registry` into a folder of its own, with the parts `off` turned off."""
    out = registry / f"floor-{tag}"
    if out.exists():
        raise SystemExit(f"{out} exists: a cold build needs a new folder (delete it, then wait)")
    timings = out / "timings.json"
    out.mkdir()
    command = [sys.executable, "-c", CHILD, ",".join(off), "build", "--content", str(registry / "content")]
    command += ["--out", str(out / "site"), "--cache", str(out / "cache"), "--timings", str(timings)]
    child = run_child(command, registry, child_environment())  # (as bench/scale.py runs its steps)
    if child.code != 0:
        raise SystemExit(f"the build failed (exit {child.code}):\n{tail(child.stderr)}")
    stages = json.loads(timings.read_text(encoding="utf-8"))["stages"]
    return child.seconds, {name: round(value, 2) for name, value in stages.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("registry", type=Path, help="a folder made by bench/synth.py")
    parser.add_argument("--rounds", type=int, default=2, help="builds of each variant, in turn (default 2)")
    parser.add_argument(
        "--hugo", action="store_true", help="also a cold Hugo build each round (hugo on PATH)"
    )
    args = parser.parse_args()
    registry = args.registry.resolve()
    if not (registry / "content" / "published.txt").exists():
        # A first build records the ledger of published addresses in the content; the next ones
        # check it. So that every variant does the same, that first build is not counted.
        print("first build (records the ledger of published addresses; not counted)", flush=True)
        build(registry, (), "ledger")
    hugo = registry / "floor-hugo"
    if args.hugo:
        from hugo_compare import cold_build
        from hugo_site import convert

        convert(registry / "content", hugo)  # (a new folder: refused if it exists)
    runs: dict[str, list[tuple[float, dict[str, float]]]] = {name: [] for name in VARIANTS}
    hugo_runs: list[float] = []
    for round_ in range(args.rounds):
        for number, (name, off) in enumerate(VARIANTS.items()):
            seconds, stages = build(registry, off, f"{round_}-{number}")
            runs[name].append((seconds, stages))
            print(f"{name:16s} {seconds:6.2f} s  {stages}", flush=True)
        if args.hugo:
            done = cold_build(shutil.which("hugo") or "hugo", hugo, round_ + 1)
            if done["seconds"] is None:
                raise SystemExit("hugo failed")
            hugo_runs.append(done["seconds"])
            print(f"{'hugo':16s} {done['seconds']:6.2f} s  {done['max_rss_mb']:.0f} MB", flush=True)
    print()
    print(f"{'cold build':16s} {'median':>8s}  {'check':>5s}  {'units':>5s}  {'search':>6s}")
    for name, found in runs.items():
        median = statistics.median(seconds for seconds, _ in found)
        check, units, search = (
            statistics.median(stages[part] for _, stages in found) for part in ("check", "units", "search")
        )
        print(f"{name:16s} {median:6.2f} s  {check:5.2f}  {units:5.2f}  {search:6.2f}")
    if hugo_runs:
        hugo_median = statistics.median(hugo_runs)
        print(f"{'hugo':16s} {hugo_median:6.2f} s")
        for name, found in runs.items():
            ratio = statistics.median(seconds for seconds, _ in found) / hugo_median
            print(f"{name:16s} {ratio:.2f} × Hugo")
    return 0


if __name__ == "__main__":
    sys.exit(main())
