"""`badgegen award`, driven as a coordinator would: real subprocesses in a temporary folder.

Each test copies tests/fixtures/minimal/content/ to a temporary work folder and runs
`python -m badgegen award …` there. CSV files, which hold e-mail addresses, are kept
in a separate "private" folder, as a coordinator would keep them out of the repository.

The privacy proof, after every run: no file of the work folder (content and built
site), and nothing printed, holds the plain e-mail address or its local part.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from badgegen import cmdutil
from badgegen.yamlsafe import parse_yaml

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal" / "content"
#: 2026-11-29 12:00 UTC, the build time of the test suite: 2026-11-29 in Paris.
SOURCE_DATE_EPOCH = "1795953600"
TODAY = "2026-11-29"
BASE_URL = "https://badges.example.org/"
ID = r"[a-z2-7]{20}"
AWARD_KEYS = ["badge", "recipient", "issued_on", "expires", "narrative", "evidence", "revoked", "listed"]

#: Fictional addresses only (example.org); the local parts are unusual enough to be searched for.
ZOE = "Zoe.Quintal@Example.org"
YANNICK = "yannick.vermeil@example.org"
INES = "ines.martel@example.org"


# --- helpers ----------------------------------------------------------------------------------


def badgegen(
    cwd: Path, *args: str, stdin: str = "", lang: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m badgegen ARGS` in `cwd`, with the test suite's build time; never a traceback."""
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "PYTHONPATH": str(REPO),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("BADGEGEN_LANG", None)
    if lang is not None:
        env["BADGEGEN_LANG"] = lang
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


def assert_private(root: Path, emails: Iterable[str], *outputs: str) -> None:
    """No file under `root`, and no output, holds any of `emails` or their local parts."""
    needles = set()
    for email in emails:
        needles |= {email.strip().lower(), email.strip().lower().split("@")[0]}
    files = [path for path in root.rglob("*") if path.is_file()]
    assert files
    for path in files:
        data = path.read_bytes().lower()
        for needle in needles:
            assert needle.encode("utf-8") not in data, f"{needle!r} found in {path}"
    for output in outputs:
        for needle in needles:
            assert needle not in output.lower(), f"{needle!r} printed"


def award_files(work: Path) -> set[Path]:
    return set((work / "content" / "awards").rglob("*.yaml"))


def read_award(path: Path) -> dict[str, object]:
    data = parse_yaml(path.read_text("utf-8")).data
    assert isinstance(data, dict)
    return data


def assert_hash_of(data: dict[str, object], email: str) -> None:
    recipient = data["recipient"]
    assert isinstance(recipient, dict)
    assert recipient["type"] == "email"
    assert re.fullmatch(r"[0-9a-f]{32}", recipient["salt"])
    normalised = email.strip().lower()
    expected = "sha256$" + hashlib.sha256((normalised + recipient["salt"]).encode("utf-8")).hexdigest()
    assert recipient["identity"] == expected


def assert_valid(work: Path) -> None:
    """`badgegen validate --strict` accepts the content (no error, no warning)."""
    result = badgegen(work, "validate", "--content", "content", "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Contenu valide : 2 organisations, 2 badges, ")


def written_path(stdout: str) -> Path:
    match = re.search(rf"content/awards/\d{{4}}/{ID}\.yaml", stdout)
    assert match, stdout
    return Path(match.group(0))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A copy of the minimal content, in tmp/work/content/."""
    shutil.copytree(MINIMAL, tmp_path / "work" / "content")
    return tmp_path / "work"


@pytest.fixture
def private(tmp_path: Path) -> Path:
    """Where the coordinator keeps CSV files: outside the work folder."""
    folder = tmp_path / "private"
    folder.mkdir()
    return folder


# --- one person -------------------------------------------------------------------------------


def test_award_with_email_option_writes_one_valid_file(work: Path) -> None:
    before = award_files(work)
    result = badgegen(
        work,
        "award",
        "--badge",
        "arroser-les-plants",
        "--email",
        f"  {ZOE} ",
        "--issued-on",
        "2026-03-14",
        "--narrative",
        "A arrosé les plants tous les jours.",
        "--evidence",
        "photo=https://photos.example.org/arrosage.jpg",
        "fiche-observation.txt",
        "--evidence",
        "https://docs.example.org/compte-rendu.pdf",
        "--listed",
        "--content",
        "content",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    path = written_path(result.stdout)
    award_id = path.stem
    assert result.stdout == (
        f"Badge « J'arrose les plants » attribué : content/awards/2026/{award_id}.yaml\n"
        f"Adresse de vérification : {BASE_URL}assertions/{award_id}.json\n"
        "Enregistrez ce fichier dans git (commit) : l'attribution sera publiée à la prochaine mise en ligne du site.\n"
    )
    assert award_files(work) == before | {work / path}
    text = (work / path).read_text("utf-8")
    assert text.startswith("# Attribution : un badge donné à une personne")
    assert "Ne jamais écrire d'adresse e-mail ici" in text
    data = read_award(work / path)
    assert list(data) == [key for key in AWARD_KEYS if key in data]
    assert data["badge"] == "arroser-les-plants"
    assert data["issued_on"] == "2026-03-14"
    assert data["narrative"] == "A arrosé les plants tous les jours."
    assert data["evidence"] == [
        {"kind": "photo", "name": "Photo", "url": "https://photos.example.org/arrosage.jpg"},
        {"kind": "document", "name": "Preuve", "file": "fiche-observation.txt"},
        {"kind": "document", "name": "Preuve", "url": "https://docs.example.org/compte-rendu.pdf"},
    ]
    assert data["listed"] is True
    assert_hash_of(data, ZOE)
    assert_valid(work)
    assert_private(work, [ZOE], result.stdout, result.stderr)


def test_award_reads_the_email_from_stdin_and_builds(work: Path) -> None:
    result = badgegen(
        work, "award", "--badge", "travailler-en-equipe", "--content", "content", stdin=YANNICK + "\n"
    )
    assert result.returncode == 0, result.stderr
    path = work / written_path(result.stdout)
    data = read_award(path)
    assert data == {
        "badge": "travailler-en-equipe",
        "recipient": data["recipient"],
        "issued_on": TODAY,
        "listed": False,
    }
    assert_hash_of(data, YANNICK)
    built = badgegen(work, "build", "--content", "content", "--out", "site")
    assert built.returncode == 0, built.stderr
    assertion = (work / "site" / "assertions" / f"{path.stem}.json").read_text("utf-8")
    assert data["recipient"]["identity"] in assertion  # type: ignore[index]
    assert_private(work, [YANNICK], result.stdout, result.stderr, built.stdout, built.stderr)


def test_award_in_english(work: Path) -> None:
    result = badgegen(
        work, "award", "--badge", "arroser-les-plants", "--content", "content", stdin=INES, lang="en"
    )
    assert result.returncode == 0, result.stderr
    award_id = written_path(result.stdout).stem
    assert result.stdout == (
        f"Badge 'I water the seedlings' awarded: content/awards/2026/{award_id}.yaml\n"
        f"Verification address: {BASE_URL}assertions/{award_id}.json\n"
        "Commit this file to git: the award is published with the next update of the site.\n"
    )
    refused = badgegen(
        work, "award", "--badge", "arroser", "--content", "content", "--lang", "en", stdin=INES
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith("--badge: the badge 'arroser' does not exist")
    assert_private(work, [INES], result.stdout, refused.stderr)


def test_each_award_has_its_own_id_and_salt_and_a_second_one_is_pointed_out(work: Path) -> None:
    first = badgegen(work, "award", "--badge", "arroser-les-plants", "--content", "content", stdin=ZOE)
    second = badgegen(
        work, "award", "--badge", "arroser-les-plants", "--content", "content", stdin=ZOE.upper()
    )
    assert first.returncode == second.returncode == 0
    one, two = written_path(first.stdout), written_path(second.stdout)
    assert one != two
    data_one, data_two = read_award(work / one), read_award(work / two)
    assert data_one["recipient"] != data_two["recipient"]  # fresh salt, so a different hash
    assert_hash_of(data_one, ZOE)
    assert_hash_of(data_two, ZOE)
    assert second.stderr == (
        f"Attention : cette personne avait déjà ce badge ({one}). "
        f"Si c'est une erreur, supprimez {two} avant de l'enregistrer dans git.\n"
    )
    assert_private(work, [ZOE], first.stdout, first.stderr, second.stdout, second.stderr)


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        pytest.param(
            ["--badge", "arroser"],
            ZOE,
            "--badge : le badge « arroser » n'existe pas (pas de fichier badges/arroser.yaml).\n"
            "    → correction : vouliez-vous écrire « arroser-les-plants » ? "
            "badges possibles : arroser-les-plants, travailler-en-equipe.\n"
            "Rien n'a été écrit.\n",
            id="unknown-badge",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--email", "zoe.quintal(at)example.org"],
            "",
            "--email : l'adresse e-mail saisie n'est pas valide.\n"
            "    → correction : vérifiez qu'elle a la forme nom@domaine.fr : une seule arobase @, un point dans le "
            "domaine, sans espace, ni guillemets, ni nom autour.\n"
            "Rien n'a été écrit.\n",
            id="invalid-email-option",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants"],
            "Zoe Quintal <zoe.quintal@example.org>\n",
            "L'adresse e-mail saisie n'est pas valide.\n"
            "    → correction : vérifiez qu'elle a la forme nom@domaine.fr : une seule arobase @, un point dans le "
            "domaine, sans espace, ni guillemets, ni nom autour.\n"
            "Rien n'a été écrit.\n",
            id="invalid-email-typed",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants"],
            "",
            "Aucune adresse e-mail n'a été reçue.\n"
            "    → correction : tapez l'adresse quand elle est demandée, ou donnez-la avec --email ADRESSE.\n"
            "Rien n'a été écrit.\n",
            id="no-email",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--issued-on", "2026-12-25", "--email", ZOE],
            "",
            "--issued-on : la date 2026-12-25 est dans le futur (nous sommes le 2026-11-29).\n"
            "    → correction : une date ne peut pas venir après aujourd'hui : corrigez-la, ou attendez ce jour-là.\n"
            "Rien n'a été écrit.\n",
            id="future-date",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--issued-on", "2026-02-30", "--email", ZOE],
            "",
            "--issued-on : la date 2026-02-30 n'existe pas.\n"
            "    → correction : vérifiez le jour et le mois.\n"
            "Rien n'a été écrit.\n",
            id="unreal-date",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--issued-on", "14 mars", "--email", ZOE],
            "",
            "--issued-on : la date « 14 mars » n'a pas la bonne forme.\n"
            "    → correction : écrivez-la AAAA-MM-JJ, par exemple 2026-03-14 (ou 14/03/2026).\n"
            "Rien n'a été écrit.\n",
            id="date-format",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--narrative", f"Contact : {YANNICK}", "--email", ZOE],
            "",
            "--narrative : le récit contient une adresse e-mail : ce texte est publié, il ne doit contenir "
            "aucune donnée personnelle.\n"
            "    → correction : retirez cette adresse e-mail du texte et recommencez.\n"
            "Rien n'a été écrit.\n",
            id="narrative-email",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--narrative", "Joignable au 06 12 34 56 78.", "--email", ZOE],
            "",
            "--narrative : le récit contient un numéro de téléphone : ce texte est publié, il ne doit contenir "
            "aucune donnée personnelle.\n"
            "    → correction : retirez ce numéro de téléphone du texte et recommencez.\n"
            "Rien n'a été écrit.\n",
            id="narrative-phone",
        ),
        pytest.param(
            [
                "--badge",
                "arroser-les-plants",
                "--narrative",
                "Écrire à yannick.vermeil [at] example.org",
                "--email",
                ZOE,
            ],
            "",
            "--narrative : le récit contient une adresse e-mail : ce texte est publié, il ne doit contenir "
            "aucune donnée personnelle.\n"
            "    → correction : retirez cette adresse e-mail du texte et recommencez.\n"
            "Rien n'a été écrit.\n",
            id="narrative-obfuscated-email",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--narrative", "A arrosé\x07 les plants.", "--email", ZOE],
            "",
            "--narrative : ce texte contient un caractère invisible (un code de contrôle).\n"
            "    → correction : retapez le texte au clavier au lieu de le copier-coller.\n"
            "Rien n'a été écrit.\n",
            id="narrative-control-character",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--evidence", "photo.jpg", "--email", ZOE],
            "",
            "--evidence : le fichier « photo.jpg » est introuvable dans content/media/.\n"
            "    → correction : ajoutez le fichier dans content/media/, ou corrigez son nom.\n"
            "Rien n'a été écrit.\n",
            id="evidence-missing-file",
        ),
        pytest.param(
            [
                "--badge",
                "arroser-les-plants",
                "--evidence",
                "image=https://x.example.org/a.jpg",
                "--email",
                ZOE,
            ],
            "",
            "--evidence : le type de preuve « image » est inconnu.\n"
            "    → correction : écrivez photo=…, video=…, audio=… ou document=…, suivi d'une adresse https://… "
            "ou du nom d'un fichier de content/media/.\n"
            "Rien n'a été écrit.\n",
            id="evidence-kind",
        ),
        pytest.param(
            ["--badge", "arroser-les-plants", "--evidence", "ftp://x.example.org/a", "--email", ZOE],
            "",
            "--evidence : la preuve « ftp://x.example.org/a » n'est ni une adresse web (https://…) ni le nom "
            "d'un fichier de content/media/.\n"
            "    → correction : écrivez une adresse complète qui commence par https://, ou le nom d'un fichier "
            "rangé dans content/media/ (sans espace ni accent).\n"
            "Rien n'a été écrit.\n",
            id="evidence-not-a-url",
        ),
        pytest.param(
            [
                "--badge",
                "arroser-les-plants",
                "--evidence",
                f"https://x.example.org/?u={YANNICK}",
                "--email",
                ZOE,
            ],
            "",
            "--evidence : cette preuve contient une adresse e-mail : son adresse est publiée.\n"
            "    → correction : donnez une adresse de preuve sans donnée personnelle.\n"
            "Rien n'a été écrit.\n",
            id="evidence-email",
        ),
        pytest.param(
            ["--email", ZOE],
            "",
            "Indiquez le badge avec --badge (une personne) ou un fichier avec --csv (un groupe).\n"
            "    → correction : par exemple : badgegen award --badge arroser-les-plants ; "
            "badges possibles : arroser-les-plants, travailler-en-equipe.\n"
            "Rien n'a été écrit.\n",
            id="no-badge",
        ),
        pytest.param(
            ["--badge", YANNICK],
            "",
            "--badge : à la place du badge, il y a une adresse e-mail.\n"
            "    → correction : les valeurs sont peut-être inversées : le badge est le nom d'un fichier de badges/, "
            "sans .yaml.\n"
            "Rien n'a été écrit.\n",
            id="email-as-badge",
        ),
        pytest.param(
            ["--csv", "x.csv", "--badge", "arroser-les-plants"],
            "",
            "Avec --csv, tout vient du fichier : --badge ne peut pas être ajouté.\n"
            "    → correction : retirez --badge et mettez ces valeurs dans les colonnes du fichier "
            "(email, badge, issued_on, narrative, evidence, listed).\n"
            "Rien n'a été écrit.\n",
            id="csv-and-badge",
        ),
    ],
)
def test_award_refusals(work: Path, args: list[str], stdin: str, expected: str) -> None:
    before = award_files(work)
    result = badgegen(work, "award", *args, "--content", "content", stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == expected
    assert award_files(work) == before
    assert_private(work, [ZOE, YANNICK], result.stdout, result.stderr)


def test_a_mistyped_option_never_repeats_the_address(work: Path) -> None:
    result = badgegen(work, "award", "--badge", "arroser-les-plants", "--mail", ZOE, "--content", "content")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Ceci n'est pas compris : --mail …@…\n"
        "    → correction : vérifiez l'orthographe ; les options possibles sont dans « badgegen award --help ».\n"
        "Rien n'a été écrit.\n"
    )
    assert_private(work, [ZOE], result.stdout, result.stderr)


def test_several_mistakes_are_reported_together(work: Path) -> None:
    result = badgegen(
        work,
        "award",
        "--badge",
        "arroser-les-plant",
        "--issued-on",
        "2026-13-01",
        "--evidence",
        "son=fichier-absent.mp3",
        "--content",
        "content",
        stdin=ZOE,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[::2] == [
        "--badge : le badge « arroser-les-plant » n'existe pas (pas de fichier badges/arroser-les-plant.yaml).",
        "--issued-on : la date 2026-13-01 n'existe pas.",
        "--evidence : le fichier « fichier-absent.mp3 » est introuvable dans content/media/.",
        "3 erreurs : rien n'a été écrit.",
    ]


def test_missing_content_folder_is_explained(tmp_path: Path) -> None:
    result = badgegen(tmp_path, "award", "--badge", "x", stdin=ZOE)
    assert result.returncode == 2
    assert result.stderr == (
        "Le dossier de contenu content/ est introuvable (pas de fichier registry.yaml).\n"
        "    → correction : lancez la commande depuis le dossier du dépôt, ou indiquez le dossier avec "
        "--content DOSSIER.\n"
        "Rien n'a été écrit.\n"
    )


# --- the prompt on a real terminal -----------------------------------------------------------


def _on_terminal(work: Path, answers: list[str]) -> tuple[int, bytes]:
    """Run `award` with a pseudo-terminal as its terminal; type each answer after each prompt."""
    import pty
    import select

    master, slave = pty.openpty()
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONPATH": str(REPO)}
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("BADGEGEN_LANG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "badgegen", "award", "--badge", "arroser-les-plants", "--content", "content"],
        cwd=work,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,  # no controlling terminal: getpass uses stdin, the pty
    )
    os.close(slave)
    transcript = b""

    def read(until: bytes | None, timeout: float = 60) -> None:
        nonlocal transcript
        deadline = time.monotonic() + timeout
        while until is None or until not in transcript:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"waited for {until!r}, got {transcript!r}")
            ready, _, _ = select.select([master], [], [], min(remaining, 1))
            if not ready:
                if until is None and process.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the program ended and closed the terminal
                return
            if not chunk:
                return
            transcript += chunk

    try:
        prompts = ["(elle ne s'affiche pas) : ", "une seconde fois pour vérifier : "]
        for prompt, answer in zip(prompts, answers, strict=False):
            read(prompt.encode("utf-8"))
            os.write(master, answer.encode("utf-8") + b"\n")
        read(None)
        code = process.wait(timeout=60)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    return code, transcript


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_prompt_on_a_terminal_hides_the_email_and_asks_twice(work: Path) -> None:
    code, transcript = _on_terminal(work, [ZOE, ZOE.lower()])
    text = transcript.decode("utf-8")
    assert code == 0, text
    assert "Adresse e-mail de la personne (elle ne s'affiche pas) : " in text
    assert "Tapez-la une seconde fois pour vérifier : " in text
    path = work / written_path(text)
    assert_hash_of(read_award(path), ZOE)
    assert_private(work, [ZOE], text)  # what was typed was not echoed


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_prompt_on_a_terminal_refuses_two_different_addresses(work: Path) -> None:
    before = award_files(work)
    code, transcript = _on_terminal(work, [ZOE, YANNICK])
    text = transcript.decode("utf-8")
    assert code == 2
    assert "Les deux adresses tapées sont différentes." in text
    assert award_files(work) == before
    assert_private(work, [ZOE, YANNICK], text)


# --- ids ---------------------------------------------------------------------------------------


def test_ids_are_never_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Existing files and every id of the permanence ledger are skipped."""
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    gone = "aaaaaaaaaaaaaaaaaaaa"  # published once, then its file was deleted
    with (content / "published.txt").open("a", encoding="utf-8") as ledger:
        ledger.write(f"assertions/{gone}.json\n")
    used = cmdutil.used_award_ids(content)
    assert {gone, "f6impopuiokeq436yrp5", "uctxbijzo3dbyj52puuw"} <= used
    draws = iter(gone + "f6impopuiokeq436yrp5" + "b" * 20)
    monkeypatch.setattr(cmdutil.secrets, "choice", lambda alphabet: next(draws))
    assert cmdutil.new_award_id(used) == "b" * 20
    assert "b" * 20 in used  # an id drawn for one file of a group is not drawn again


def test_ids_are_random_base32() -> None:
    ids = {cmdutil.new_award_id(set()) for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(ID, award_id) for award_id in ids)


# --- a group, from a CSV file ------------------------------------------------------------------


GOOD_CSV = (
    "\ufeffemail;badge;issued_on;narrative;evidence;listed\n"
    f'{ZOE} ;arroser-les-plants;14/03/2026;"A arrosé les plants; tous les jours.\n'
    'Sans oubli.";photo=https://photos.example.org/arrosage.jpg fiche-observation.txt;oui\n'
    f"{YANNICK};travailler-en-equipe;2026-05-02;;;non\n"
    ";;;;;\n"
    f"{INES};arroser-les-plants;;;;\n"
)


def test_csv_writes_every_award_and_tells_to_delete_the_file(work: Path, private: Path) -> None:
    csv_file = private / "groupe.csv"
    csv_file.write_text(GOOD_CSV, encoding="utf-8", newline="")
    before = award_files(work)
    result = badgegen(work, "award", "--csv", str(csv_file), "--content", "content")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    paths = [Path(path) for path in re.findall(rf"→ (content/awards/2026/{ID}\.yaml)", result.stdout)]
    assert len(set(paths)) == 3
    assert lines == [
        "3 attributions écrites :",
        f"  ligne 2 : « J'arrose les plants » → {paths[0]}",
        f"  ligne 3 : « Je travaille en équipe » → {paths[1]}",
        f"  ligne 5 : « J'arrose les plants » → {paths[2]}",
        f"Adresses de vérification : {BASE_URL}assertions/<identifiant>.json "
        "(l'identifiant est le nom du fichier, sans .yaml).",
        "Enregistrez ces fichiers dans git (commit) : ils seront publiés à la prochaine mise en ligne du site.",
        f"IMPORTANT : supprimez maintenant le fichier {csv_file} : il contient des adresses e-mail. "
        "Ne l'enregistrez jamais dans git.",
    ]
    assert award_files(work) == before | {work / path for path in paths}
    zoe, yannick, ines = (read_award(work / path) for path in paths)
    for data, email in ((zoe, ZOE), (yannick, YANNICK), (ines, INES)):
        assert_hash_of(data, email)
    assert zoe["issued_on"] == "2026-03-14"
    assert zoe["narrative"] == "A arrosé les plants; tous les jours.\nSans oubli."
    assert zoe["evidence"] == [
        {"kind": "photo", "name": "Photo", "url": "https://photos.example.org/arrosage.jpg"},
        {"kind": "document", "name": "Preuve", "file": "fiche-observation.txt"},
    ]
    assert zoe["listed"] is True
    assert yannick == {
        "badge": "travailler-en-equipe",
        "recipient": yannick["recipient"],
        "issued_on": "2026-05-02",
        "listed": False,
    }
    assert ines["issued_on"] == TODAY
    assert_valid(work)
    built = badgegen(work, "build", "--content", "content", "--out", "site")
    assert built.returncode == 0, built.stderr
    for path in paths:
        assert (work / "site" / "assertions" / f"{path.stem}.json").is_file()
    assert_private(work, [ZOE, YANNICK, INES], result.stdout, result.stderr, built.stdout, built.stderr)


def test_csv_with_commas_without_bom_in_english(work: Path, private: Path) -> None:
    csv_file = private / "group.csv"
    csv_file.write_text(
        f"E-mail,Badge,Date\r\n{INES},travailler-en-equipe,2026-11-01\r\n", encoding="utf-8", newline=""
    )
    result = badgegen(work, "award", "--csv", str(csv_file), "--content", "content", "--lang", "en")
    assert result.returncode == 0, result.stderr
    path = re.findall(rf"→ (content/awards/2026/{ID}\.yaml)", result.stdout)[0]
    # This badge has no English name: its French name is shown.
    assert result.stdout.splitlines()[0:2] == [
        "1 award written:",
        f"  line 2: 'Je travaille en équipe' → {path}",
    ]
    assert (
        f"IMPORTANT: delete the file {csv_file} now: it holds e-mail addresses. Never commit it to git."
        in result.stdout
    )
    assert read_award(work / path)["issued_on"] == "2026-11-01"
    assert_valid(work)
    assert_private(work, [INES], result.stdout, result.stderr)


BAD_CSV = (
    "email,badge,issued_on,narrative,evidence,listed\n"
    f"{ZOE},arroser-les-plant,2026-12-25,,,oui\n"
    "zoe.quintal(at)example.org,travailler-en-equipe,,,,\n"
    f'{YANNICK},travailler-en-equipe,2026-02-30,"Écrire à {YANNICK}",ftp://x.example.org,peut-être\n'
    f"{INES},arroser-les-plants,,,,\n"
    f"{INES.upper()},arroser-les-plants,,,,\n"
    ",arroser-les-plants,,,,\n"
    f"{YANNICK},arroser-les-plants,,,,,en trop\n"
)
BAD_CSV_ERRORS = """\
ligne 2, colonne B (badge) : le badge « arroser-les-plant » n'existe pas (pas de fichier badges/arroser-les-plant.yaml).
    → correction : vouliez-vous écrire « arroser-les-plants » ? badges possibles : arroser-les-plants, travailler-en-equipe.
ligne 2, colonne C (issued_on) : la date 2026-12-25 est dans le futur (nous sommes le 2026-11-29).
    → correction : une date ne peut pas venir après aujourd'hui : corrigez-la, ou attendez ce jour-là.
ligne 3, colonne A (email) : l'adresse e-mail saisie n'est pas valide.
    → correction : vérifiez qu'elle a la forme nom@domaine.fr : une seule arobase @, un point dans le domaine, sans espace, ni guillemets, ni nom autour.
ligne 4, colonne C (issued_on) : la date 2026-02-30 n'existe pas.
    → correction : vérifiez le jour et le mois.
ligne 4, colonne D (narrative) : le récit contient une adresse e-mail : ce texte est publié, il ne doit contenir aucune donnée personnelle.
    → correction : retirez cette adresse e-mail du texte et recommencez.
ligne 4, colonne E (evidence) : la preuve « ftp://x.example.org » n'est ni une adresse web (https://…) ni le nom d'un fichier de content/media/.
    → correction : écrivez une adresse complète qui commence par https://, ou le nom d'un fichier rangé dans content/media/ (sans espace ni accent).
ligne 4, colonne F (listed) : « peut-être » n'est pas une réponse oui ou non.
    → correction : écrivez oui si la personne accepte d'apparaître dans la liste publique du registre, sinon non (ou laissez vide).
ligne 6 : même adresse e-mail et même badge qu'à la ligne 5.
    → correction : supprimez l'une des deux lignes.
ligne 7, colonne A (email) : l'adresse e-mail manque.
    → correction : écrivez l'adresse e-mail de la personne qui reçoit le badge.
ligne 8 : cette ligne a plus de cellules que la ligne 1 (les noms de colonnes).
    → correction : un texte contient peut-être le séparateur (« ; » ou « , ») : entourez ce texte de guillemets "…", ou retirez les cellules en trop.
10 erreurs : aucun fichier n'a été écrit.
"""


def test_csv_with_bad_rows_reports_every_one_and_writes_nothing(work: Path, private: Path) -> None:
    csv_file = private / "groupe.csv"
    csv_file.write_text(BAD_CSV, encoding="utf-8")
    before = award_files(work)
    result = badgegen(work, "award", "--csv", str(csv_file), "--content", "content")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == BAD_CSV_ERRORS
    assert award_files(work) == before  # all or nothing: the good line 5 was not written either
    assert_private(work, [ZOE, YANNICK, INES], result.stdout, result.stderr)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            f"email;badge;narrative\n{INES};arroser-les-plants;A arrosé\n".encode("cp1252"),
            "ligne 2 : le fichier CSV n'est pas enregistré en UTF-8.\n"
            "    → correction : dans Excel : Fichier › Enregistrer sous › « CSV UTF-8 (délimité par des virgules) » ; "
            "dans LibreOffice : Enregistrer sous › CSV, cochez « Éditer les paramètres du filtre » et choisissez "
            "« Unicode (UTF-8) ».\n",
            id="not-utf8",
        ),
        pytest.param(
            f"{INES};arroser-les-plants\n".encode(),
            "ligne 1 : cette ligne contient une adresse e-mail : ce doit être la ligne des noms de colonnes.\n"
            "    → correction : ajoutez au début du fichier une ligne avec les noms des colonnes : "
            "email;badge;issued_on;narrative;evidence;listed\n",
            id="no-header",
        ),
        pytest.param(
            f"courriel;badges;nom\n{INES};arroser-les-plants;Martel\n".encode(),
            "ligne 1, colonne B : la colonne « badges » est inconnue.\n"
            "    → correction : vouliez-vous écrire « badge » ? corrigez son nom, ou supprimez cette colonne ; "
            "colonnes possibles : email, badge, issued_on, narrative, evidence, listed.\n"
            "ligne 1, colonne C : la colonne « nom » est inconnue.\n"
            "    → correction : corrigez son nom, ou supprimez cette colonne ; "
            "colonnes possibles : email, badge, issued_on, narrative, evidence, listed.\n"
            "ligne 1 : la colonne « badge » manque.\n"
            "    → correction : ajoutez-la en ligne 1 ; colonnes possibles : email, badge, issued_on, narrative, "
            "evidence, listed.\n"
            "3 erreurs : aucun fichier n'a été écrit.\n",
            id="unknown-and-missing-columns",
        ),
        pytest.param(
            f'email;badge;narrative\n{INES};arroser-les-plants;"pas fermé\n'.encode(),
            "ligne 2 : le fichier CSV est mal formé : un guillemet n'est pas fermé, ou du texte le suit.\n"
            "    → correction : ouvrez le fichier dans votre tableur et enregistrez-le de nouveau en CSV.\n",
            id="open-quote",
        ),
        pytest.param(
            b"email;badge\n;;\n",
            "Le fichier CSV ne contient aucune attribution (seulement la ligne des noms de colonnes).\n"
            "    → correction : ajoutez une ligne par personne.\n",
            id="no-rows",
        ),
    ],
)
def test_csv_file_problems(work: Path, private: Path, data: bytes, expected: str) -> None:
    csv_file = private / "groupe.csv"
    csv_file.write_bytes(data)
    before = award_files(work)
    result = badgegen(work, "award", "--csv", str(csv_file), "--content", "content")
    assert result.returncode == 2
    if expected.count("→") == 1:
        expected += "Aucun fichier n'a été écrit.\n"
    assert result.stderr == expected
    assert award_files(work) == before
    assert_private(work, [INES], result.stdout, result.stderr)


def test_csv_file_not_found(work: Path, private: Path) -> None:
    result = badgegen(work, "award", "--csv", str(private / "absent.csv"), "--content", "content")
    assert result.returncode == 2
    assert result.stderr == (
        f"Le fichier {private / 'absent.csv'} est introuvable.\n"
        "    → correction : vérifiez son nom et le dossier où il est rangé.\n"
        "Aucun fichier n'a été écrit.\n"
    )
