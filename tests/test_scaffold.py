"""`badgegen new issuer|badge SLUG`: a commented file, valid YAML, holding every field of its schema.

The scaffold does not validate as it stands (its placeholders are empty on purpose, so
`badgegen validate` points at each one); filled in as a coordinator would, it does,
with its optional fields left commented out or all of them switched on.
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
SCHEMAS = REPO / "badgegen" / "schemas"
SOURCE_DATE_EPOCH = "1795953600"
BASE_URL = "https://badges.example.org/"
#: A commented-out field: `# ` then the YAML line itself (`key: …`, `- …`, or deeper lines).
FIELD_LINE = re.compile(r"^(?P<indent>\s*)# (?P<yaml> *(?:[a-z_]+:(?: |$)|- ).*)$")


def badgegen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m badgegen ARGS` in `cwd`; never a traceback."""
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
        input="",
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
    shutil.copytree(MINIMAL, tmp_path / "content")
    return tmp_path


def uncomment(text: str) -> str:
    """Switch every optional field on, as a coordinator removing « # » would."""
    lines = []
    for line in text.splitlines():
        match = FIELD_LINE.match(line)
        lines.append(match.group("indent") + match.group("yaml") if match else line)
    return "\n".join(lines) + "\n"


def properties(schema: str) -> dict[str, dict[str, object]]:
    loaded: dict[str, dict[str, dict[str, object]]] = json.loads((SCHEMAS / schema).read_text("utf-8"))
    return loaded["properties"]


def fill_badge(text: str) -> str:
    text = text.replace('family: ""', 'family: "savoir-faire"').replace(
        'issuer: ""', 'issuer: "atelier-exemple"'
    )
    return re.sub(r'^(\s*\w+): ""$', r'\1: "Un texte simple."', text, flags=re.MULTILINE)


def fill_issuer(text: str) -> str:
    for key, value in (
        ("kind", "association"),
        ("url", "https://asso.example.org/"),
        ("email", "contact@asso.example.org"),
    ):
        text = text.replace(f'{key}: ""', f'{key}: "{value}"')
    return re.sub(r'^(\s*\w+): ""$', r'\1: "Un texte simple."', text, flags=re.MULTILINE)


def validate(work: Path) -> subprocess.CompletedProcess[str]:
    return badgegen(work, "validate", "--content", "content", "--strict")


def test_new_badge(work: Path) -> None:
    result = badgegen(work, "new", "badge", "ramasser-les-feuilles", "--issuer", "atelier-exemple")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "Fichier créé : content/badges/ramasser-les-feuilles.yaml\n"
        "À faire maintenant :\n"
        '  1. ouvrez ce fichier et écrivez vos textes entre les guillemets "" vides (chaque champ est expliqué '
        "au-dessus) ;\n"
        "  2. placez l'image du badge, carrée, à côté de ce fichier : content/badges/ramasser-les-feuilles.png "
        "(ou ramasser-les-feuilles.svg) ;\n"
        "  3. lancez « badgegen validate » : il dit ce qui manque encore ;\n"
        "  4. enregistrez le fichier dans git (commit).\n"
    )
    path = work / "content" / "badges" / "ramasser-les-feuilles.yaml"
    text = path.read_text("utf-8")
    assert "ramasser-les-feuilles.png (ou ramasser-les-feuilles.svg)" in text
    assert f"{BASE_URL}badges/ramasser-les-feuilles.json" in text
    schema = properties("badge.schema.json")
    data = parse_yaml(text).data  # valid YAML as it stands
    assert set(data) <= set(schema)
    assert data["issuer"] == "atelier-exemple"
    assert data["image"] == "ramasser-les-feuilles.png"
    every = parse_yaml(uncomment(text)).data
    assert set(every) == set(schema)  # every field of the schema is there, explained
    assert set(every["name"]) == {"fr", "en"}
    for name in schema:
        assert re.search(rf"^# .*\n(?:#.*\n)*(?:# )?{name}:", text, re.MULTILINE), f"{name} is not explained"

    # As it stands, validate points at each placeholder (and nothing is published).
    refused = validate(work)
    assert refused.returncode == 2
    assert re.findall(
        r"^content/badges/ramasser-les-feuilles\.yaml:\d+:\d+: (\S+ \S+):", refused.stderr, re.M
    ) == [
        "empty-value name.fr",
        "empty-value description.fr",
        "not-allowed family",
        "empty-value criteria.fr",
    ]

    # Filled in, with its image next to it, it validates: optional fields off, then all on.
    shutil.copyfile(
        work / "content" / "badges" / "arroser-les-plants.png", path.with_name("ramasser-les-feuilles.png")
    )
    path.write_text(fill_badge(text), encoding="utf-8")
    assert validate(work).returncode == 0, validate(work).stderr
    path.write_text(fill_badge(uncomment(text)), encoding="utf-8")
    result = validate(work)
    assert result.returncode == 0, result.stderr


def test_new_issuer_then_a_badge_of_it(work: Path) -> None:
    result = badgegen(work, "new", "issuer", "asso-du-quartier")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Fichier créé : content/issuers/asso-du-quartier.yaml\n"
        "À faire maintenant :\n"
        '  1. ouvrez ce fichier et écrivez vos textes entre les guillemets "" vides (chaque champ est expliqué '
        "au-dessus) ;\n"
        "  2. lancez « badgegen validate » : il dit ce qui manque encore ;\n"
        "  3. enregistrez le fichier dans git (commit).\n"
    )
    path = work / "content" / "issuers" / "asso-du-quartier.yaml"
    text = path.read_text("utf-8")
    schema = properties("issuer.schema.json")
    assert set(parse_yaml(text).data) <= set(schema)
    assert set(parse_yaml(uncomment(text)).data) == set(schema)
    for value in ("association", "federation", "structure-insertion", "organisme-formation"):
        assert value in text  # the allowed kinds, from the schema

    assert validate(work).returncode == 2
    path.write_text(fill_issuer(text), encoding="utf-8")
    assert validate(work).returncode == 0, validate(work).stderr
    shutil.copyfile(
        work / "content" / "badges" / "arroser-les-plants.png", path.with_name("asso-du-quartier.png")
    )
    path.write_text(fill_issuer(uncomment(text)), encoding="utf-8")
    assert validate(work).returncode == 0, validate(work).stderr

    badge = badgegen(work, "new", "badge", "accueillir-le-public", "--issuer", "asso-du-quartier")
    assert badge.returncode == 0, badge.stderr
    assert 'issuer: "asso-du-quartier"' in (work / "content/badges/accueillir-le-public.yaml").read_text(
        "utf-8"
    )


def test_new_badge_without_issuer_lists_the_issuers(work: Path) -> None:
    result = badgegen(work, "new", "badge", "ranger-l-atelier")
    assert result.returncode == 0, result.stderr
    text = (work / "content" / "badges" / "ranger-l-atelier.yaml").read_text("utf-8")
    assert '# Organisations existantes : atelier-exemple, reseau-exemple.\nissuer: ""\n' in text


def test_new_in_english(work: Path) -> None:
    result = badgegen(work, "new", "issuer", "club-exemple", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "File created: content/issuers/club-exemple.yaml",
        "Next steps:",
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["badge", "Être à l'heure"],
            "Le nom « Être à l'heure » ne convient pas : il sert dans les adresses du site.\n"
            "    → correction : utilisez seulement des minuscules sans accent, des chiffres et des tirets, par "
            "exemple « etre-a-l-heure ».\n",
            id="bad-slug",
        ),
        pytest.param(
            ["badge", "arroser-les-plants"],
            "Le fichier content/badges/arroser-les-plants.yaml existe déjà.\n"
            "    → correction : choisissez un autre nom, ou modifiez ce fichier directement.\n",
            id="exists",
        ),
        pytest.param(
            ["issuer", "atelier-exemple.yaml"],
            "Le fichier content/issuers/atelier-exemple.yaml existe déjà.\n"
            "    → correction : choisissez un autre nom, ou modifiez ce fichier directement.\n",
            id="exists-with-suffix",
        ),
        pytest.param(
            ["badge", "ranger", "--issuer", "atelier"],
            "--issuer : l'organisation « atelier » n'existe pas (pas de fichier issuers/atelier.yaml).\n"
            "    → correction : vouliez-vous écrire « atelier-exemple » ? organisations possibles : "
            "atelier-exemple, reseau-exemple ; ou créez-la d'abord avec badgegen new issuer.\n",
            id="unknown-issuer",
        ),
        pytest.param(
            ["issuer", "club", "--issuer", "atelier-exemple"],
            "--issuer ne sert que pour un badge.\n    → correction : retirez --issuer.\n",
            id="issuer-of-issuer",
        ),
        pytest.param(
            [],
            "Indiquez ce qu'il faut créer : une organisation ou un badge.\n"
            "    → correction : par exemple : badgegen new issuer jardins-de-la-loire, ou badgegen new badge "
            "semer-en-plein-champ.\n",
            id="nothing",
        ),
        pytest.param(
            ["badge"],
            "Indiquez le nom du fichier à créer.\n"
            "    → correction : par exemple : badgegen new badge semer-en-plein-champ\n",
            id="no-slug",
        ),
        pytest.param(
            ["award", "x"],
            "« award » n'est pas une sorte de fichier que badgegen new sait créer.\n"
            "    → correction : pour attribuer un badge, utilisez badgegen award --badge NOM.\n",
            id="award",
        ),
        pytest.param(
            ["endorsement", "x"],
            "« endorsement » n'est pas une sorte de fichier que badgegen new sait créer.\n"
            "    → correction : écrivez issuer (une organisation) ou badge.\n",
            id="unknown-kind",
        ),
    ],
)
def test_new_refusals(work: Path, args: list[str], expected: str) -> None:
    before = {path: path.read_bytes() for path in (work / "content").rglob("*") if path.is_file()}
    result = badgegen(work, "new", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == expected + "Aucun fichier n'a été créé.\n"
    assert {path: path.read_bytes() for path in (work / "content").rglob("*") if path.is_file()} == before
