"""Publishing: the GitHub Actions workflows, and the custom domain of GitHub Pages.

The workflows are linted by actionlint (syntax, expressions, `run:` scripts through
shellcheck) and by zizmor (security, offline audits), both installed by the `test`
extra; under CI=true a missing linter fails instead of skipping. Then the rules this
project holds itself to are checked on the parsed YAML: actions pinned by SHA, no
permission unless a job asks for it, no pull_request_target, credentials kept only
by the job that commits the ledger, no secret where a pull request runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_validation_messages import make_content

from badgegen.cli import main

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted(
    [*(REPO / ".github" / "workflows").glob("*.yml"), *(REPO / ".github" / "workflows").glob("*.yaml")]
)
#: The one job allowed to write to the repository (it commits content/published.txt).
LEDGER_JOB = "record"
_PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")


def _tool(name: str) -> str:
    """The linter installed next to this Python (the test extra), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        message = f"{name} is missing: pip install -e '.[test]' installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _linter_env() -> dict[str, str]:
    """PATH starting with this Python's folder, so actionlint finds the test extra's shellcheck."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """`on:` (which YAML 1.1 reads as the boolean true)."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict)
    return on


def _jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path.name, name, job) for path in WORKFLOWS for name, job in _load(path)["jobs"].items()]


def _runs_on_pull_requests(workflow: dict[str, Any], job: dict[str, Any]) -> bool:
    """Whether a pull request can run this job (an `if:` that excludes pull requests says no)."""
    if "pull_request" not in _triggers(workflow):
        return False
    condition = str(job.get("if", ""))
    return "github.event_name != 'pull_request'" not in condition


def test_there_are_workflows() -> None:
    assert WORKFLOWS, "no workflow in .github/workflows/"


def test_actionlint() -> None:
    actionlint = _tool("actionlint")
    result = subprocess.run(
        [actionlint, "-no-color", *map(str, WORKFLOWS)],
        cwd=REPO,
        env=_linter_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor() -> None:
    zizmor = _tool("zizmor")
    result = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--color", "never", *map(str, WORKFLOWS)],
        cwd=REPO,
        env=_linter_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_top_level_permissions_are_empty(path: Path) -> None:
    assert _load(path)["permissions"] == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_privileged_trigger(path: Path) -> None:
    triggers = _triggers(_load(path))
    assert "pull_request_target" not in triggers
    assert "workflow_run" not in triggers


def test_every_action_is_pinned_by_sha() -> None:
    for workflow, name, job in _jobs():
        uses = [step["uses"] for step in job.get("steps", []) if "uses" in step]
        if "uses" in job:
            uses.append(job["uses"])
        for reference in uses:
            assert _PINNED.match(reference), f"{workflow}: job {name} uses {reference}, not a commit SHA"
    for path in WORKFLOWS:
        for line in path.read_text("utf-8").splitlines():
            if re.match(r"^\s*(?:-\s+)?uses:", line):
                assert re.search(r"@[0-9a-f]{40} # v\d", line), (
                    f"{path.name}: say which version: {line.strip()}"
                )


def test_every_job_says_its_permissions() -> None:
    for workflow, name, job in _jobs():
        assert isinstance(job.get("permissions"), dict), f"{workflow}: job {name} has no permissions block"
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        if name == LEDGER_JOB:
            assert job["permissions"] == {"contents": "write"}
        else:
            assert "contents" not in writes, f"{workflow}: only {LEDGER_JOB} may write to the repository"
            assert writes <= {"pages", "id-token"}, f"{workflow}: job {name} writes {writes}"


def test_credentials_persist_only_in_the_ledger_job() -> None:
    checkouts = 0
    for workflow, name, job in _jobs():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                checkouts += 1
                persist = step.get("with", {}).get("persist-credentials")
                assert persist is (name == LEDGER_JOB), (
                    f"{workflow}: job {name} persist-credentials: {persist}"
                )
            if "git push" in str(step.get("run", "")):
                assert name == LEDGER_JOB, f"{workflow}: job {name} pushes"
    assert checkouts >= 3


def test_pull_requests_get_no_secret_and_read_only_token() -> None:
    for path in WORKFLOWS:
        workflow = _load(path)
        for name, job in workflow["jobs"].items():
            if not _runs_on_pull_requests(workflow, job):
                continue
            text = yaml.safe_dump(job)
            assert "secrets." not in text, f"{path.name}: job {name} uses a secret on pull requests"
            assert "github.token" not in text, f"{path.name}: job {name} uses the token"
            assert job["permissions"] == {"contents": "read"}, f"{path.name}: job {name}"


def _ci() -> dict[str, Any]:
    return _load(REPO / ".github" / "workflows" / "ci.yml")


def _run_lines(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def test_pull_request_path() -> None:
    """Annotations, a strict build, the site kept for preview, and the README's test command."""
    jobs = _ci()["jobs"]
    site = _run_lines(jobs["site"])
    assert re.search(r"badgegen validate .*--strict --format github", site)
    assert re.search(r"badgegen build .*--strict --format github --frozen-ledger", site)
    preview = next(s for s in jobs["site"]["steps"] if s.get("with", {}).get("name") == "site-preview")
    assert preview["uses"] == "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02"
    assert preview["with"]["include-hidden-files"] is True, ".nojekyll must be in the preview"
    assert "bash scripts/test.sh" in _run_lines(jobs["test"])
    assert jobs["test"]["env"]["BADGEGEN_CHROMIUM"] == "/usr/bin/google-chrome"


def test_publishing_order() -> None:
    """site (checks) → publish (signed build, ledgers) → record (commit) → deploy: never deploy an unrecorded address."""
    jobs = _ci()["jobs"]
    assert set(jobs["publish"]["needs"]) == {"test", "site"}
    assert jobs["record"]["needs"] == ["publish"]
    assert jobs["deploy"]["needs"] == ["record"]
    assert jobs["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    for name in ("publish", "record", "deploy"):
        assert "github.event_name != 'pull_request'" in jobs[name]["if"]
        assert "github.ref == 'refs/heads/main'" in jobs[name]["if"]
    for name in ("site", "publish"):
        assert 'SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"' in _run_lines(jobs[name])
    assert jobs["publish"]["environment"] == {"name": "signature"}, "the key lives in a protected environment"
    assert "--frozen-ledger" not in _run_lines(jobs["publish"])
    record = _run_lines(jobs["record"])
    assert (
        'for ledger in content/published.txt content/status-list.txt; do [ ! -e "$ledger" ] || git add "$ledger"; done'
        in record
    )
    assert "git diff --cached --quiet -- content/published.txt content/status-list.txt ||" in record
    assert 'git commit -m "Registre des publications mis à jour [skip ci]" && git push' in record
    assert "pip" not in record and "badgegen" not in record.replace('user.name "badgegen"', ""), (
        "the job holding a write token runs no project code"
    )


def test_only_the_checks_reuse_the_build_cache() -> None:
    """The checks (pull requests, main) restore the build cache before validating, so a pull
    request re-reads only the files it changed, and save it under the run's own key; the
    build that is published (with the signing key) and the other jobs restore none."""
    jobs = _ci()["jobs"]
    caches = {
        name: [
            step for step in job.get("steps", []) if str(step.get("uses", "")).startswith("actions/cache@")
        ]
        for name, job in jobs.items()
    }
    assert [step["with"] for step in caches["site"]] == [
        {
            "path": ".badgegen-cache",
            "key": "badgegen-cache-${{ github.run_id }}",
            "restore-keys": "badgegen-cache-",
        }
    ]
    steps = jobs["site"]["steps"]
    validate = next(i for i, step in enumerate(steps) if "badgegen validate" in str(step.get("run", "")))
    assert steps.index(caches["site"][0]) < validate
    assert all(found == [] for name, found in caches.items() if name != "site")


# --- custom domain: `domain:` in registry.yaml → CNAME --------------------------------------------


def _with_domain(root: Path, domain_line: str) -> None:
    registry = root / "content" / "registry.yaml"
    registry.write_text(registry.read_text("utf-8") + domain_line, "utf-8")


def _build(root: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    monkeypatch.chdir(root)
    return main(["build", "--content", "content", "--out", "site", "--strict", *extra])


def test_domain_writes_cname(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(None, tmp_path)  # base_url: https://badges.example.org/
    _with_domain(tmp_path, "domain: badges.example.org\n")
    assert _build(tmp_path, monkeypatch) == 0, capsys.readouterr().err
    assert (tmp_path / "site" / "CNAME").read_bytes() == b"badges.example.org\n"


def test_no_domain_no_cname(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(None, tmp_path)
    assert _build(tmp_path, monkeypatch) == 0, capsys.readouterr().err
    assert not (tmp_path / "site" / "CNAME").exists()


def test_a_preview_at_another_address_has_no_cname(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--base-url` builds the site for another address: a CNAME would send it to the domain."""
    make_content(None, tmp_path)
    _with_domain(tmp_path, "domain: badges.example.org\n")
    code = _build(tmp_path, monkeypatch, "--base-url", "http://127.0.0.1:8000/", "--frozen-ledger")
    assert code == 0, capsys.readouterr().err
    assert not (tmp_path / "site" / "CNAME").exists()


def test_domain_and_base_url_must_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(None, tmp_path)
    _with_domain(tmp_path, "domain: registre.example.org\n")
    capsys.readouterr()
    assert _build(tmp_path, monkeypatch, "--lang", "en") == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "content/registry.yaml:4:11: domain-mismatch base_url: the site address https://badges.example.org/ "
        "does not match the domain 'registre.example.org' (line 13).\n"
        "    → fix: with a custom domain, write 'base_url: https://registre.example.org/', "
        "or fix the 'domain:' line.\n"
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "domain",
    ["https://badges.example.org", "badges.example.org/", "Badges.Example.org", "localhost", "a..org"],
)
def test_domain_is_a_plain_host_name(
    domain: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(None, tmp_path)
    _with_domain(tmp_path, f'domain: "{domain}"\n')
    capsys.readouterr()
    assert _build(tmp_path, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "content/registry.yaml:13:9: bad-format domain:" in err
    assert "domain-mismatch" not in err, "one problem, one message"
