"""`badgegen revoke`, driven as a coordinator would: real subprocesses in a temporary folder.

The award file keeps every byte it had; a `revoked:` block is appended; the result
validates, and the built site answers `{"revoked": true, "revocationReason": …}` at
the award's address, which stays published.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from badgegen.yamlsafe import parse_yaml

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal" / "content"
#: 2026-11-29 12:00 UTC, the build time of the test suite: 2026-11-29 in Paris.
SOURCE_DATE_EPOCH = "1795953600"
TODAY = "2026-11-29"
BASE_URL = "https://badges.example.org/"
#: travailler-en-equipe, issued 2026-05-02; arroser-les-plants, issued 2026-03-14.
TEAM = "f6impopuiokeq436yrp5"
WATER = "uctxbijzo3dbyj52puuw"
EMAIL = "camille.fictive@example.org"


def badgegen(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m badgegen ARGS` in `cwd`, with the test suite's build time; never a traceback."""
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "PYTHONPATH": str(REPO),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("BADGEGEN_LANG", None)
    result = subprocess.run(
        [sys.executable, "-m", "badgegen", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A copy of the minimal content, in tmp/work/content/."""
    shutil.copytree(MINIMAL, tmp_path / "work" / "content")
    return tmp_path / "work"


def award_path(work: Path, award_id: str) -> Path:
    return work / "content" / "awards" / "2026" / f"{award_id}.yaml"


def block(on: str, reason_yaml: str, newline: str = "\n") -> bytes:
    lines = [
        "# Révoquée avec `badgegen revoke` : l'attribution reste publiée, marquée « révoqué ».",
        "revoked:",
        f'  "on": "{on}"',
        f"  reason: {reason_yaml}",
    ]
    return (newline.join(lines) + newline).encode("utf-8")


def assert_valid(work: Path) -> None:
    result = badgegen(work, "validate", "--content", "content", "--strict")
    assert result.returncode == 0, result.stderr


def build_assertion(work: Path, award_id: str) -> dict[str, object]:
    result = badgegen(work, "build", "--content", "content", "--out", "site")
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(
        (work / "site" / "assertions" / f"{award_id}.json").read_text("utf-8")
    )
    return document


def test_revoke_appends_a_block_and_the_built_site_says_revoked(work: Path) -> None:
    path = award_path(work, TEAM)
    before = path.read_bytes()
    reason = 'Badge donné par erreur ("équipe" au lieu de "arrosage")'
    result = badgegen(work, "revoke", TEAM, "--reason", reason, "--content", "content")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        f"Attribution {TEAM} révoquée : content/awards/2026/{TEAM}.yaml\n"
        f"  date : {TODAY}\n"
        f"  raison (publiée) : « {reason} »\n"
        f"Elle reste publiée à {BASE_URL}assertions/{TEAM}.json, marquée « révoqué » : qui la vérifie verra "
        "qu'elle n'est plus valable, et pourquoi.\n"
        "Enregistrez ce fichier dans git (commit) pour publier la révocation.\n"
    )
    assert path.read_bytes() == before + block(
        TODAY, '"Badge donné par erreur (\\"équipe\\" au lieu de \\"arrosage\\")"'
    )
    assert parse_yaml(path.read_text("utf-8")).data["revoked"] == {"on": TODAY, "reason": reason}
    assert_valid(work)
    document = build_assertion(work, TEAM)
    assert document["revoked"] is True
    assert document["revocationReason"] == reason
    assert document["id"] == f"{BASE_URL}assertions/{TEAM}.json"


def test_revoke_by_verification_address_with_a_date(work: Path) -> None:
    path = award_path(work, WATER)
    before = path.read_bytes()
    result = badgegen(
        work,
        "revoke",
        f"{BASE_URL}assertions/{WATER}.json",
        "--reason",
        "Retiré à la demande de la personne",
        "--on",
        "15/06/2026",
        "--content",
        "content",
    )
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == before + block("2026-06-15", '"Retiré à la demande de la personne"')
    assert_valid(work)
    assert build_assertion(work, WATER)["revoked"] is True


def test_revoke_keeps_windows_line_endings_and_a_missing_last_newline(work: Path) -> None:
    path = award_path(work, TEAM)
    original = path.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n")
    path.write_bytes(original)
    result = badgegen(work, "revoke", TEAM, "--reason", "Erreur de saisie", "--content", "content")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == original + b"\r\n" + block(TODAY, '"Erreur de saisie"', "\r\n")
    assert_valid(work)


def test_award_then_revoke_then_build(work: Path) -> None:
    given = badgegen(work, "award", "--badge", "arroser-les-plants", "--content", "content", stdin=EMAIL)
    assert given.returncode == 0, given.stderr
    award_id = re.findall(r"assertions/([a-z2-7]{20})\.json", given.stdout)[0]
    revoked = badgegen(work, "revoke", award_id, "--reason", "Attribué deux fois", "--content", "content")
    assert revoked.returncode == 0, revoked.stderr
    assert_valid(work)
    assert build_assertion(work, award_id)["revocationReason"] == "Attribué deux fois"
    for file in (f for f in work.rglob("*") if f.is_file()):
        assert b"camille.fictive" not in file.read_bytes().lower(), file


def test_revoke_in_english(work: Path) -> None:
    result = badgegen(
        work, "revoke", TEAM, "--reason", "Awarded by mistake", "--content", "content", "--lang", "en"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"Award {TEAM} revoked: content/awards/2026/{TEAM}.yaml"
    assert result.stdout.splitlines()[3].startswith(f"It stays published at {BASE_URL}assertions/{TEAM}.json")
    again = badgegen(work, "revoke", TEAM, "--reason", "Again", "--content", "content", "--lang", "en")
    assert again.returncode == 2
    assert again.stderr.startswith(f"This award is already revoked (on {TODAY})")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["f6impo", "--reason", "Erreur"],
            "Aucune attribution n'a l'identifiant « f6impo » (pas de fichier awards/<année>/f6impo.yaml).\n"
            "    → correction : vouliez-vous dire « f6impopuiokeq436yrp5 » ? l'identifiant est le nom du fichier "
            "de l'attribution, sans .yaml.\n"
            "Le fichier n'a pas été modifié.\n",
            id="unknown-id",
        ),
        pytest.param(
            [TEAM, "--reason", f"Erreur, écrire à {EMAIL}"],
            "--reason : la raison contient une adresse e-mail : ce texte est publié, il ne doit contenir aucune "
            "donnée personnelle.\n"
            "    → correction : retirez cette adresse e-mail du texte et recommencez.\n"
            "Le fichier n'a pas été modifié.\n",
            id="reason-email",
        ),
        pytest.param(
            [TEAM, "--reason", "Appeler le +33 6 12 34 56 78"],
            "--reason : la raison contient un numéro de téléphone : ce texte est publié, il ne doit contenir "
            "aucune donnée personnelle.\n"
            "    → correction : retirez ce numéro de téléphone du texte et recommencez.\n"
            "Le fichier n'a pas été modifié.\n",
            id="reason-phone",
        ),
        pytest.param(
            [TEAM, "--reason", "   "],
            "--reason : la raison est vide.\n"
            '    → correction : écrivez en quelques mots pourquoi, par exemple --reason "Badge attribué par erreur".\n'
            "Le fichier n'a pas été modifié.\n",
            id="reason-empty",
        ),
        pytest.param(
            [TEAM],
            'Indiquez la raison avec --reason "…" : elle est publiée avec l\'attribution révoquée.\n'
            '    → correction : par exemple --reason "Badge attribué par erreur" (sans nom, adresse ni numéro de '
            "téléphone).\n"
            "Le fichier n'a pas été modifié.\n",
            id="no-reason",
        ),
        pytest.param(
            ["--reason", "Erreur"],
            "Indiquez l'identifiant de l'attribution à révoquer.\n"
            '    → correction : par exemple : badgegen revoke pu4kqz7xw2m5vt3ybnrc --reason "Badge attribué par '
            "erreur\" ; l'identifiant est le nom du fichier dans content/awards/<année>/, sans .yaml.\n"
            "Le fichier n'a pas été modifié.\n",
            id="no-id",
        ),
        pytest.param(
            [TEAM, "--reason", "Erreur", "--on", "2026-05-01"],
            "--on : la révocation (2026-05-01) ne peut pas venir avant l'attribution (2026-05-02).\n"
            "    → correction : donnez avec --on une date qui ne vient pas avant l'attribution.\n"
            "Le fichier n'a pas été modifié.\n",
            id="before-award",
        ),
        pytest.param(
            [TEAM, "--reason", "Erreur", "--on", "2027-01-01"],
            "--on : la date 2027-01-01 est dans le futur (nous sommes le 2026-11-29).\n"
            "    → correction : une date ne peut pas venir après aujourd'hui : corrigez-la, ou attendez ce jour-là.\n"
            "Le fichier n'a pas été modifié.\n",
            id="future",
        ),
    ],
)
def test_revoke_refusals(work: Path, args: list[str], expected: str) -> None:
    before = {path: path.read_bytes() for path in (work / "content").rglob("*.yaml")}
    result = badgegen(work, "revoke", *args, "--content", "content")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == expected
    assert {path: path.read_bytes() for path in (work / "content").rglob("*.yaml")} == before
    assert "camille.fictive" not in result.stderr


def test_revoke_twice_is_refused(work: Path) -> None:
    first = badgegen(work, "revoke", TEAM, "--reason", "Erreur", "--content", "content")
    assert first.returncode == 0
    after_first = award_path(work, TEAM).read_bytes()
    second = badgegen(work, "revoke", TEAM, "--reason", "Autre raison", "--content", "content")
    assert second.returncode == 2
    assert second.stderr == (
        f"Cette attribution est déjà révoquée (le {TODAY}) : content/awards/2026/{TEAM}.yaml.\n"
        "    → correction : rien à faire : elle reste publiée, marquée « révoqué ». Pour changer la raison, "
        "modifiez le bloc « revoked: » du fichier.\n"
        "Le fichier n'a pas été modifié.\n"
    )
    assert award_path(work, TEAM).read_bytes() == after_first


def test_revoke_refuses_a_file_it_cannot_complete_safely(work: Path) -> None:
    """A file written as one flow mapping cannot take appended lines: say what to add by hand."""
    path = award_path(work, TEAM)
    data = parse_yaml(path.read_text("utf-8")).data
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    before = path.read_bytes()
    assert badgegen(work, "validate", "--content", "content").returncode == 0
    result = badgegen(work, "revoke", TEAM, "--reason", "Erreur", "--content", "content")
    assert result.returncode == 2
    assert result.stderr == (
        f"Le fichier content/awards/2026/{TEAM}.yaml est écrit d'une façon qui empêche d'y ajouter la "
        "révocation automatiquement.\n"
        "    → correction : ajoutez ces lignes à la fin du fichier, sans espace au début de « revoked: », puis "
        "lancez « badgegen validate » :\n"
        "        # Révoquée avec `badgegen revoke` : l'attribution reste publiée, marquée « révoqué ».\n"
        "        revoked:\n"
        f'          "on": "{TODAY}"\n'
        '          reason: "Erreur"\n'
        "Le fichier n'a pas été modifié.\n"
    )
    assert path.read_bytes() == before
