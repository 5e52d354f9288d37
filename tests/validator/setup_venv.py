#!/usr/bin/env python3
"""Create (idempotently) the virtual environment that runs the official
1EdTech Open Badges validator: ``<repo>/.venv-validator/``.

Stdlib only.  Usable as a script::

    python tests/validator/setup_venv.py            # prints the venv's python
    python tests/validator/setup_venv.py --force    # rebuild from scratch

or from Python (e.g. a pytest fixture)::

    from setup_venv import ensure_validator_venv
    python = ensure_validator_venv(repo_root)       # -> Path to the venv python

A marker file inside the venv records the sha256 of requirements.txt (plus the
install recipe version and the base interpreter's major.minor).  When it
matches, nothing is done.  Otherwise the venv is wiped and rebuilt with
``pip install --no-deps -r requirements.txt`` (see requirements.txt for why
--no-deps).  Concurrent callers (e.g. pytest-xdist workers) serialise on a
lock file in the system temp dir.

Environment:
    BADGEGEN_VALIDATOR_PYTHON   base interpreter for the venv (default: the
                                interpreter running this code; must be 3.11+,
                                the pinned set is verified on 3.11)
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
VENV_DIRNAME = ".venv-validator"
MARKER_NAME = ".badgegen-validator-ready.json"
# Bump when the install recipe below changes in a way that needs a rebuild.
RECIPE_VERSION = 1
SMOKE_IMPORTS = "import openbadges, openbadges_bakery, pyld, requests, requests_cache, jose"


def _log(msg: str) -> None:
    print(f"[setup_venv] {msg}", file=sys.stderr, flush=True)


def _venv_python(venv_dir: Path) -> Path:
    if os.name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def _base_python() -> str:
    return os.environ.get("BADGEGEN_VALIDATOR_PYTHON") or sys.executable


def _base_version(base_python: str) -> str:
    out = subprocess.run(
        [base_python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def requirements_fingerprint(requirements: Path = REQUIREMENTS, base_version: str | None = None) -> str:
    h = hashlib.sha256()
    h.update(requirements.read_bytes())
    h.update(f"\nrecipe={RECIPE_VERSION}\npython={base_version or ''}\n".encode())
    return h.hexdigest()


def _read_marker(venv_dir: Path) -> dict:
    try:
        return json.loads((venv_dir / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def _lock(venv_dir: Path):
    """Inter-process lock (POSIX flock); a no-op where fcntl is unavailable."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield
        return
    key = hashlib.sha256(str(venv_dir).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"badgegen-validator-venv-{key}.lock"
    with lock_path.open("a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run(cmd: list[str], **kwargs) -> None:
    _log("$ " + " ".join(str(c) for c in cmd))
    env = dict(os.environ)
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    env["PIP_NO_INPUT"] = "1"
    env.pop("PIP_REQUIRE_VIRTUALENV", None)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    # Child output goes to our stderr so that the CLI's stdout is just the
    # python path.  Where stderr has no file descriptor (pytest's capsys),
    # capture and relay it instead.
    try:
        sys.stderr.flush()
        target = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        target = None
    if target is not None:
        subprocess.run([str(c) for c in cmd], check=True, env=env, stdout=target, **kwargs)
        return
    proc = subprocess.run(
        [str(c) for c in cmd], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs
    )
    sys.stderr.write(proc.stdout)
    proc.check_returncode()


def _remove_venv(venv_dir: Path) -> None:
    if not venv_dir.exists():
        return
    looks_like_ours = (
        (venv_dir / "pyvenv.cfg").exists() or (venv_dir / MARKER_NAME).exists() or not any(venv_dir.iterdir())
    )
    if not looks_like_ours:
        raise RuntimeError(f"{venv_dir} exists but is not a virtualenv; refusing to delete it")
    shutil.rmtree(venv_dir)


def _has_pip(python: Path) -> bool:
    return subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True).returncode == 0


def _build(venv_dir: Path, base_python: str, requirements: Path) -> Path:
    _remove_venv(venv_dir)
    py = _venv_python(venv_dir)
    try:
        _run([base_python, "-m", "venv", venv_dir])
    except subprocess.CalledProcessError:
        # e.g. Debian without python3-venv: ensurepip is missing.  Fall back to
        # a pip-less venv that the base interpreter's pip installs into.
        _log("`python -m venv` failed (ensurepip missing?); retrying with --without-pip")
        _remove_venv(venv_dir)
        _run([base_python, "-m", "venv", "--without-pip", venv_dir])

    pip_args = ["install", "--no-deps", "--progress-bar", "off", "-r", requirements]
    if _has_pip(py):
        _run([py, "-m", "pip", *pip_args])
    else:
        # pip >= 22.3 can install into another interpreter's environment.
        _run([base_python, "-m", "pip", "--python", py, *pip_args])

    _run([py, "-c", SMOKE_IMPORTS])
    return py


def ensure_validator_venv(
    repo_root: os.PathLike | str | None = None,
    *,
    force: bool = False,
    requirements: os.PathLike | str | None = None,
) -> Path:
    """Make sure ``<repo_root>/.venv-validator`` holds the pinned validator
    environment and return the path of its python executable."""
    repo_root = Path(repo_root) if repo_root is not None else HERE.parents[1]
    requirements = Path(requirements) if requirements is not None else REQUIREMENTS
    venv_dir = repo_root.resolve() / VENV_DIRNAME
    py = _venv_python(venv_dir)
    base_python = _base_python()

    with _lock(venv_dir):
        base_version = _base_version(base_python)
        fingerprint = requirements_fingerprint(requirements, base_version)
        marker = _read_marker(venv_dir)
        if not force and marker.get("fingerprint") == fingerprint and py.exists():
            return py

        _log(f"building {venv_dir} (python {base_version}, {requirements.name} sha256 {fingerprint[:12]}...)")
        _build(venv_dir, base_python, requirements)
        tmp_marker = venv_dir / (MARKER_NAME + ".tmp")
        tmp_marker.write_text(
            json.dumps(
                {
                    "fingerprint": fingerprint,
                    "requirements": str(requirements),
                    "recipe": RECIPE_VERSION,
                    "base_python": base_python,
                    "base_python_version": base_version,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        tmp_marker.replace(venv_dir / MARKER_NAME)
        _log("done")
        return py


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create/refresh .venv-validator/")
    parser.add_argument("--repo-root", type=Path, default=HERE.parents[1])
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    try:
        py = ensure_validator_venv(args.repo_root, force=args.force)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        _log(f"FAILED: {exc}")
        return 1
    print(py)
    return 0


if __name__ == "__main__":
    sys.exit(main())
