"""Restricted badges: never published, refused in content/, signed and delivered to their earners.

The example registry is built with a private folder (made here, in a temporary folder) holding
a restricted award of a *public* badge and a *restricted* badge class with an award. The tests
prove that the published site holds no trace of them (every built file searched byte for byte,
Pagefind's gzip chunks decompressed, PNG text chunks read; in fact the site is the same, byte
for byte, as without the private folder), that the public status lists still give them an index
that revoking flips, and that the delivery folder holds credentials that verify.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ob3_support import BASE, EXAMPLE, add_signing_key
from PIL import Image as PILImage

from badgegen import bake, images, privacy
from badgegen.cli import main
from badgegen.ob3 import keys, proof, status
from badgegen.restricted import CREDENTIAL_FILE, FIRST_INDEX, PNG_FILE, PRIVATE_STATUS_FILE, SVG_FILE

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO / "tests/vc-verifier"
NOW = "2026-11-29T12:00:00Z"  # tests/conftest.py's build time

#: A restricted award of a public badge (a public skill learnt in a private context).
OF_PUBLIC = "rq3kz7mwv2xb9tnh4pdc"
#: The restricted badge class, and its award.
SECRET_BADGE = "reparer-apres-une-condamnation"
OF_RESTRICTED = "xv8pw2dk5qm7rz4tnbhf"
RECIPIENTS = {
    OF_PUBLIC: ("sha256$" + "4e" * 32, "5f0c6e1ad2b34c7e9a8b1c2d3e4f5a6b"),
    OF_RESTRICTED: ("sha256$" + "7a" * 32, "9d8c7b6a5f4e3d2c1b0a99887766aa55"),
}
NARRATIVES = {
    OF_PUBLIC: ("Ponctuel pendant tout son sejour au foyer Horizon-Nord.", "On time during the whole stay."),
    OF_RESTRICTED: ("A repare la cloture du stade apres le jugement du tribunal.", "Repaired the fence."),
}
SECRET_NAMES = ("Je repare ce que j'ai abime (mesure judiciaire)", "I repair what I damaged (court order)")
SECRET_DESCRIPTION = "Mesure de reparation penale menee jusqu'au bout, au Centre Lumiere-Discrete."


def secret_image() -> bytes:
    """A badge picture of its own (its pixels are searched for in the site)."""
    image = PILImage.new("RGB", (64, 64), (180, 40, 90))
    for x in range(64):
        image.putpixel((x, x), (x * 3, 200, 255 - x))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_private(root: Path) -> Path:
    """A private folder: a restricted award of the public badge `ponctualite`, a restricted badge
    class with its own image, and an award of it."""
    private = root / "private"
    (private / "badges").mkdir(parents=True)
    (private / "awards/2026").mkdir(parents=True)
    (private / "badges" / f"{SECRET_BADGE}.png").write_bytes(secret_image())
    (private / "badges" / f"{SECRET_BADGE}.yaml").write_text(
        "# Badge restreint : jamais publié.\n"
        f'name:\n  fr: "{SECRET_NAMES[0]}"\n  en: "{SECRET_NAMES[1]}"\n'
        f'description: "{SECRET_DESCRIPTION}"\n'
        "issuer: ligue-enseignement-37\n"
        f"image: {SECRET_BADGE}.png\n"
        "family: engagement\n"
        'criteria: "- Mener la mesure jusqu\'au bout."\n'
        "restricted: true\n",
        "utf-8",
    )
    for award_id, badge, date in (
        (OF_PUBLIC, "ponctualite", "2026-07-01"),
        (OF_RESTRICTED, SECRET_BADGE, "2026-06-10"),
    ):
        identity, salt = RECIPIENTS[award_id]
        fr, en = NARRATIVES[award_id]
        (private / "awards/2026" / f"{award_id}.yaml").write_text(
            f"badge: {badge}\n"
            f'recipient:\n  type: email\n  identity: "{identity}"\n  salt: "{salt}"\n'
            f'issued_on: "{date}"\n'
            f'narrative:\n  fr: "{fr}"\n  en: "{en}"\n'
            "restricted: true\n",
            "utf-8",
        )
    return private


@dataclass(frozen=True)
class Built:
    root: Path
    content: Path
    private: Path
    out: Path
    delivery: Path
    stdout: str
    secret: str


def run_build(root: Path, *args: str, key: str | None, out: str = "site") -> tuple[int, str, str]:
    """`badgegen build` of `root/content` (private/ and delivery/ beside it by default)."""
    saved = {name: os.environ.get(name) for name in (keys.ENV_KEY, keys.ENV_KEY_FILE)}
    os.environ.pop(keys.ENV_KEY_FILE, None)
    if key is None:
        os.environ.pop(keys.ENV_KEY, None)
    else:
        os.environ[keys.ENV_KEY] = key
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        from contextlib import redirect_stderr, redirect_stdout

        with redirect_stdout(stdout), redirect_stderr(stderr):
            code = main(
                [
                    "build",
                    "--content",
                    str(root / "content"),
                    "--out",
                    str(root / out),
                    "--base-url",
                    BASE,
                    *args,
                ]
            )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return code, stdout.getvalue(), stderr.getvalue()


def prepare(root: Path) -> tuple[Path, str]:
    content = root / "content"
    shutil.copytree(EXAMPLE, content)
    secret, _public = add_signing_key(content)
    return content, secret


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("restricted")
    content, secret = prepare(root)
    private = make_private(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1795953600")
        code, stdout, stderr = run_build(root, key=secret)
    assert code == 0, stderr
    return Built(root, content, private, root / "site", root / "delivery", stdout, secret)


@pytest.fixture(scope="module")
def without_private(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same content and key, built without the private folder."""
    root = tmp_path_factory.mktemp("public-only")
    shutil.copytree(built.root / "content", root / "content")
    # The content as it was before the restricted build wrote its ledgers: the published paths
    # are the same either way; the status file must not differ (restricted indexes are private).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1795953600")
        code, _out, stderr = run_build(root, "--frozen-ledger", key=built.secret)
    assert code == 0, stderr
    return root / "site"


# --- nothing published ------------------------------------------------------------------------


def _needles() -> dict[str, bytes]:
    """Everything that identifies the restricted awards and badge, in every form it could take."""
    texts: dict[str, str] = {}
    for award_id, (identity, salt) in RECIPIENTS.items():
        texts[f"id {award_id}"] = award_id
        texts[f"hash {award_id}"] = identity.removeprefix("sha256$")
        texts[f"salt {award_id}"] = salt
        for number, narrative in enumerate(NARRATIVES[award_id]):
            texts[f"narrative {award_id} {number}"] = narrative
    texts["badge slug"] = SECRET_BADGE
    texts["badge name fr"] = SECRET_NAMES[0]
    texts["badge name en"] = SECRET_NAMES[1]
    texts["badge description"] = SECRET_DESCRIPTION
    texts["a place named only in private"] = "Horizon-Nord"
    found: dict[str, bytes] = {}
    for name, text in texts.items():
        for form, encoded in (
            ("", text),
            (" (JSON)", json.dumps(text)[1:-1]),
            (" (HTML)", html.escape(text)),
            (" (HTML, quotes)", html.escape(text, quote=False)),
        ):
            found[name + form] = encoded.encode("utf-8")
    # The restricted badge's picture as the build publishes images (re-encoded): its pixels (IDAT),
    # and the base64 a data: URL would hold.
    published = images.prepare_image(f"{SECRET_BADGE}.png", secret_image()).data
    found["badge image pixels"] = b"".join(
        data for kind, data in privacy._png_chunks(published) if kind == b"IDAT"
    )
    found["badge image (base64)"] = base64.b64encode(published)
    return found


def _readable(path: Path) -> list[bytes]:
    """A file's bytes, and what hides inside: gzip chunks decompressed, PNG text chunks decoded."""
    data = path.read_bytes()
    forms = [data]
    if data.startswith(b"\x1f\x8b"):
        forms.append(zlib.decompress(data, wbits=31))
    if data.startswith(privacy.PNG_SIGNATURE):
        forms += [text.encode("utf-8") for _keyword, text in privacy.png_text_chunks(data)]
    return forms


def test_restricted_awards_leave_no_trace_in_the_published_site(built: Built) -> None:
    needles = _needles()
    files = sorted(p for p in built.out.rglob("*") if p.is_file())
    assert any(p.suffix.startswith(".pf_") for p in files), "a search index was built"
    assert any(p.name.endswith(".credential.png") for p in files), "credentials were signed"
    for file in files:
        for data in _readable(file):
            hits = [name for name, needle in needles.items() if needle in data]
            assert not hits, (file.relative_to(built.out), hits)


def test_the_search_finds_what_it_looks_for(built: Built) -> None:
    """A control: the same search over the delivery folder finds the restricted awards there."""
    needles = _needles()
    seen: set[str] = set()
    for file in sorted(p for p in built.delivery.rglob("*") if p.is_file()):
        for data in _readable(file):
            seen |= {name for name, needle in needles.items() if needle in data}
    for name in ("hash", "salt", "narrative"):
        for award_id in (OF_PUBLIC, OF_RESTRICTED):
            assert any(s.startswith(f"{name} {award_id}") for s in seen), (name, award_id)
    assert {"badge name fr", "badge description", "badge image pixels", "badge image (base64)"} <= seen


def test_the_public_repository_files_hold_no_trace_either(built: Built) -> None:
    """content/ is public: its ledgers (published.txt, status-list.txt) name no restricted award."""
    needles = _needles()
    for file in sorted(p for p in built.content.rglob("*") if p.is_file()):
        data = file.read_bytes()
        hits = [name for name, needle in needles.items() if needle in data]
        assert not hits, (file.relative_to(built.content), hits)
    lines = (built.content / status.STATUS_FILE).read_text("utf-8").splitlines()
    recorded = [line.split() for line in lines if line and not line.startswith("#")]
    assert recorded and all(int(index) < status.PUBLIC_INDEXES for index, _owner in recorded)


def test_the_site_is_byte_identical_without_the_private_folder(built: Built, without_private: Path) -> None:
    """The strongest form of « no trace »: the private folder changes no published byte."""

    def files(site: Path) -> dict[str, bytes]:
        found = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        # Pagefind 1.5 writes its filters in a random order (see tests/test_build.py): left out.
        return {
            path: data
            for path, data in found.items()
            if not (
                path.startswith("pagefind/filter/")
                or path == "pagefind/pagefind-entry.json"
                or (path.startswith("pagefind/pagefind.") and path.endswith(".pf_meta"))
            )
        }

    with_it, without = files(built.out), files(without_private)
    assert with_it.keys() == without.keys()
    assert [path for path in with_it if with_it[path] != without[path]] == []


def test_public_counts_leave_restricted_awards_out(built: Built) -> None:
    public_awards = len(list(EXAMPLE.glob("awards/*/*.yaml")))
    public_badges = len(list(EXAMPLE.glob("badges/*.yaml")))
    home = (built.out / "index.html").read_text("utf-8")
    assert f"{public_badges} badges, 5 organisations, {public_awards} badges attribués." in home
    assert not (built.out / "assertions" / f"{OF_PUBLIC}.json").exists()
    assert not (built.out / "badges" / f"{SECRET_BADGE}.json").exists()
    assert not list(built.out.rglob(f"*{SECRET_BADGE}*"))
    assert not list(built.out.rglob(f"*{OF_PUBLIC}*")) and not list(built.out.rglob(f"*{OF_RESTRICTED}*"))


def test_validate_counts_the_private_folder_apart(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["validate", "--content", str(built.content), "--private", str(built.private)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Contenu valide : 5 organisations, 7 badges, 15 attributions, 3 recommandations."
    assert re.fullmatch(
        r"Dossier privé .*private/ : 1 badge restreint, 2 attributions restreintes \(jamais publiés\)\.",
        lines[1],
    )


# --- delivery ---------------------------------------------------------------------------------


def _public_key(built: Built) -> object:
    return keys.private_key_from(built.secret).public_key()


def test_build_says_what_was_delivered(built: Built) -> None:
    assert "Badges restreints : 2 badges signés écrits dans" in built.stdout
    assert "Remettez chaque dossier à sa personne seulement" in built.stdout
    assert f"{PRIVATE_STATUS_FILE} garde le numéro de révocation" in built.stdout


def test_delivery_folder_holds_one_folder_per_award(built: Built) -> None:
    assert sorted(p.name for p in built.delivery.iterdir()) == sorted([OF_PUBLIC, OF_RESTRICTED])
    assert sorted(p.name for p in (built.delivery / OF_PUBLIC).iterdir()) == sorted(
        [CREDENTIAL_FILE, PNG_FILE, "LISEZMOI.txt"]
    )
    # The example's `ponctualite` badge is a PNG; the restricted one too: no SVG here.
    assert not (built.delivery / OF_RESTRICTED / SVG_FILE).exists()
    for file in built.delivery.rglob("*"):
        if file.is_file():
            assert file.stat().st_mode & 0o077 == 0, f"{file} is readable by others"


@pytest.mark.parametrize("award_id", [OF_PUBLIC, OF_RESTRICTED])
def test_delivered_credential_is_signed_and_names_no_hosted_address(built: Built, award_id: str) -> None:
    credential = json.loads((built.delivery / award_id / CREDENTIAL_FILE).read_text("utf-8"))
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"].startswith("urn:uuid:")
    assert proof.verify(credential, keys.private_key_from(built.secret).public_key())
    subject = credential["credentialSubject"]
    identity, salt = RECIPIENTS[award_id]
    assert subject["identifier"][0]["identityHash"] == identity and subject["identifier"][0]["salt"] == salt
    assert subject["narrative"] == NARRATIVES[award_id][0]
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    index = int(entry["statusListIndex"])
    assert FIRST_INDEX <= index < status.LIST_LENGTH, "restricted awards use the upper half"
    list_path = entry["statusListCredential"].removeprefix(BASE)
    assert (built.out / list_path).is_file(), "its status list is published"
    bits = status.decode_list(
        json.loads((built.out / list_path).read_text())["credentialSubject"]["encodedList"]
    )
    assert len(bits) * 8 == status.LIST_LENGTH and not status.is_set(bits, index)
    # Every address of this registry it names exists on the site (nothing points to an unpublished file).
    for url in re.findall(r'"(https://[^"]+)"', json.dumps(credential)):
        if url.startswith(BASE):
            target = url.removeprefix(BASE).split("#")[0]
            assert (built.out / target).is_file() or (built.out / target / "index.html").is_file(), url
    achievement = subject["achievement"]
    if award_id == OF_RESTRICTED:
        assert achievement["id"].startswith("urn:uuid:")
        assert achievement["image"]["id"].startswith("data:image/png;base64,")  # embedded, not hosted
        assert "related" not in achievement and achievement["name"] == SECRET_NAMES[0]
    else:
        assert achievement["id"] == f"{BASE}badges/ponctualite.achievement.json"


@pytest.mark.parametrize("award_id", [OF_PUBLIC, OF_RESTRICTED])
def test_delivered_png_holds_the_credential(built: Built, award_id: str) -> None:
    folder = built.delivery / award_id
    png = (folder / PNG_FILE).read_bytes()
    baked = bake.unbake_png(png, bake.CREDENTIAL_KEYWORD)
    assert baked is not None
    assert json.loads(baked) == json.loads((folder / CREDENTIAL_FILE).read_text("utf-8"))
    with PILImage.open(io.BytesIO(png)) as image:
        image.load()


def test_private_status_file_keeps_the_indexes(built: Built) -> None:
    recorded = status.read(built.private)
    assert set(recorded) == {OF_PUBLIC, OF_RESTRICTED}
    assert all(index >= FIRST_INDEX for index in recorded.values())
    for award_id, index in recorded.items():
        credential = json.loads((built.delivery / award_id / CREDENTIAL_FILE).read_text("utf-8"))
        assert credential["credentialStatus"]["statusListIndex"] == str(index)


def test_delivery_is_deterministic(built: Built, tmp_path: Path) -> None:
    shutil.copytree(built.root / "content", tmp_path / "content")
    shutil.copytree(built.private, tmp_path / "private")
    code, _out, stderr = run_build(tmp_path, key=built.secret)
    assert code == 0, stderr
    for file in sorted(built.delivery.rglob("*")):
        if file.is_file():
            assert (
                tmp_path / "delivery" / file.relative_to(built.delivery)
            ).read_bytes() == file.read_bytes()


# --- revocation -------------------------------------------------------------------------------


def _bits(site: Path, issuer: str) -> bytes:
    document = json.loads((site / f"issuers/{issuer}/status/revocation.json").read_text("utf-8"))
    return status.decode_list(document["credentialSubject"]["encodedList"])


def test_revoking_a_restricted_award_flips_its_bit_and_publishes_only_its_index(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(built.root / "content", tmp_path / "content")
    shutil.copytree(built.private, tmp_path / "private")
    before = (tmp_path / "content" / status.STATUS_FILE).read_text("utf-8")
    old_credential = built.delivery / OF_PUBLIC / CREDENTIAL_FILE
    index = int(json.loads(old_credential.read_text("utf-8"))["credentialStatus"]["statusListIndex"])
    award = tmp_path / "private/awards/2026" / f"{OF_PUBLIC}.yaml"
    capsys.readouterr()
    revoke = ["revoke", OF_PUBLIC, "--reason", "Attribuée par erreur", "--on", "2026-11-20"]
    assert main([*revoke, "--content", str(tmp_path / "content")]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Attribution restreinte {OF_PUBLIC} révoquée : ")
    assert "raison : gardée dans le dossier privé, jamais publiée." in said
    assert 'reason: "Attribuée par erreur"' in award.read_text("utf-8")

    code, stdout, stderr = run_build(tmp_path, key=built.secret)
    assert code == 0, stderr
    assert "1 attribution restreinte révoquée : pas remise" in stdout
    assert "Enregistrez content/status-list.txt dans git" in stdout
    after = (tmp_path / "content" / status.STATUS_FILE).read_text("utf-8")
    added = sorted(set(after.splitlines()) - set(before.splitlines()))
    assert added == [f"{index} {status.RESTRICTED_REVOKED}{index}"], "the index alone is published"
    assert not (tmp_path / "delivery" / OF_PUBLIC).exists(), "a revoked credential is not handed out"
    assert (tmp_path / "delivery" / OF_RESTRICTED / CREDENTIAL_FILE).is_file()
    issuers = sorted(p.name for p in (tmp_path / "site/issuers").iterdir() if p.is_dir())
    for issuer in issuers:  # set in every list: which issuer gave it is not told
        assert status.is_set(_bits(tmp_path / "site", issuer), index), issuer

    # The public build (CI) never sees the private folder, and still publishes the revocation.
    shutil.rmtree(tmp_path / "private")
    shutil.rmtree(tmp_path / "site")
    code, stdout, stderr = run_build(tmp_path, key=built.secret)
    assert code == 0, stderr
    assert "Badges restreints" not in stdout
    assert all(status.is_set(_bits(tmp_path / "site", issuer), index) for issuer in issuers)
    other = json.loads((built.delivery / OF_RESTRICTED / CREDENTIAL_FILE).read_text("utf-8"))
    other_index = int(other["credentialStatus"]["statusListIndex"])
    assert not any(status.is_set(_bits(tmp_path / "site", issuer), other_index) for issuer in issuers)
    assert (tmp_path / "content" / status.STATUS_FILE).read_text("utf-8") == after

    # The credential handed out before the revocation now fails, for its status only.
    if shutil.which("node") is not None or _in_ci():
        code, (report,) = independent_verifier(tmp_path / "site", [old_credential])
        assert code == 1 and report["verified"] is False
        assert report["checks"]["proof"]["verified"] is True
        assert report["checks"]["status"]["entries"][0]["status"] is True


def test_a_new_public_award_never_takes_a_restricted_index(built: Built) -> None:
    """The public half and the restricted half of the lists never meet (CI cannot see private/)."""
    recorded = status.read(built.content)
    new = status.allocate(recorded, [f"award-{n}" for n in range(2000)])
    assert all(index < status.PUBLIC_INDEXES for index in new.values())


# --- refusals and messages ------------------------------------------------------------------


def test_build_refuses_a_restricted_award_in_content(tmp_path: Path) -> None:
    content, secret = prepare(tmp_path)
    private = make_private(tmp_path)
    assert run_build(tmp_path, key=secret)[0] == 0
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    moved = content / "awards/2026" / f"{OF_PUBLIC}.yaml"
    shutil.move(private / "awards/2026" / f"{OF_PUBLIC}.yaml", moved)
    code, _out, stderr = run_build(tmp_path, key=secret)
    assert code == 2
    assert f"content/awards/2026/{OF_PUBLIC}.yaml:" in stderr and "restricted-in-public restricted:" in stderr
    assert (
        "déplacez ce fichier dans le dossier privé" in stderr
        and "prévenez l'administrateur du dépôt" in stderr
    )
    assert {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()} == before


def test_without_a_key_nothing_is_signed_nor_delivered(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "content")
    make_private(tmp_path)
    code, stdout, stderr = run_build(tmp_path, key=None)
    assert code == 0, stderr
    assert (
        "Badges restreints (" in stdout
        and "2 attributions restreintes non signées (pas de clé de signature) : rien n'a été remis" in stdout
    )
    assert not (tmp_path / "delivery").exists()
    assert not (tmp_path / "private" / PRIVATE_STATUS_FILE).exists()


def test_frozen_ledger_delivers_nothing(tmp_path: Path) -> None:
    content, secret = prepare(tmp_path)
    make_private(tmp_path)
    code, stdout, stderr = run_build(tmp_path, "--frozen-ledger", key=secret)
    assert code == 0, stderr
    assert "avec --frozen-ledger, leur index ne peut pas être enregistré" in stdout
    assert not (tmp_path / "delivery").exists()
    assert not (content / status.STATUS_FILE).exists()


def test_delivery_and_private_options(tmp_path: Path) -> None:
    _content, secret = prepare(tmp_path)
    make_private(tmp_path / "elsewhere")
    code, _stdout, stderr = run_build(
        tmp_path,
        "--private",
        str(tmp_path / "elsewhere/private"),
        "--delivery",
        str(tmp_path / "out/remise"),
        key=secret,
    )
    assert code == 0, stderr
    assert sorted(p.name for p in (tmp_path / "out/remise").iterdir()) == sorted([OF_PUBLIC, OF_RESTRICTED])
    assert (tmp_path / "elsewhere/private" / PRIVATE_STATUS_FILE).is_file()
    assert not (tmp_path / "delivery").exists()


def test_the_repository_ignores_the_private_and_delivery_folders() -> None:
    for path in ("private/awards/2026/x.yaml", "delivery/x/credential.json"):
        result = subprocess.run(
            ["git", "check-ignore", "-q", path], cwd=REPO, capture_output=True, check=False
        )
        assert result.returncode == 0, f"{path} is not git-ignored"


# --- the independent verifier -----------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def _node() -> str:
    """The node executable, once tests/vc-verifier/ is installed; else skip (fail under CI)."""
    node = shutil.which("node")
    if node is None or not (HARNESS / "node_modules/@digitalbazaar/vc/package.json").is_file():
        problem = "the OB 3.0 verifier (tests/vc-verifier/, Node.js) is not installed"
        if _in_ci():
            pytest.fail(f"CI=true but {problem}", pytrace=False)
        pytest.skip(problem)
    return node


def independent_verifier(site: Path, inputs: list[Path]) -> tuple[int, list[dict[str, Any]]]:
    """Digital Bazaar's verifier (tests/vc-verifier/verify.mjs): offline, status lists from `site`."""
    command = [_node(), str(HARNESS / "verify.mjs"), "--site", str(site), "--base-url", BASE, "--now", NOW]
    result = subprocess.run(
        [*command, *map(str, inputs)], capture_output=True, text=True, timeout=600, check=False
    )
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert result.returncode in (0, 1) and len(reports) == len(inputs), result.stdout + result.stderr
    for report in reports:
        sources = {loaded["source"].split(":", 1)[0] for loaded in report["checks"]["loaded"]}
        assert sources <= {"npm", "file", "site"}, "nothing is fetched"
    return result.returncode, reports


def test_the_independent_verifier_accepts_the_delivered_credentials(built: Built) -> None:
    inputs = [
        built.delivery / award_id / name
        for award_id in (OF_PUBLIC, OF_RESTRICTED)
        for name in (CREDENTIAL_FILE, PNG_FILE)
    ]
    code, reports = independent_verifier(built.out, inputs)
    assert code == 0, reports
    for report in reports:
        assert report["verified"] is True, report
        assert report["checks"]["proof"]["cryptosuite"] == ["eddsa-rdfc-2022"]
        assert report["checks"]["status"]["entries"][0]["status"] is False


# --- the pre-commit hook: refused before it enters the history ---------------------------------


def test_the_pre_commit_hook_refuses_a_restricted_file_in_content(tmp_path: Path) -> None:
    """Once committed, a file stays in the history even if deleted: the hook stops it first."""
    import sys

    import badgegen

    repo = tmp_path / "registre"
    repo.mkdir()
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Coordinatrice",
        "GIT_AUTHOR_EMAIL": "coordination@example.org",
        "GIT_COMMITTER_NAME": "Coordinatrice",
        "GIT_COMMITTER_EMAIL": "coordination@example.org",
        "PYTHONPATH": str(Path(badgegen.__file__).resolve().parent.parent),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("BADGEGEN_LANG", None)

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)

    assert run("git", "init", "-q", "-b", "main").returncode == 0
    shutil.copytree(REPO / "tests/fixtures/minimal/content", repo / "content")
    assert run("git", "add", "content").returncode == 0
    assert run("git", "commit", "-q", "--no-verify", "-m", "contenu initial").returncode == 0
    assert run(sys.executable, "-m", "badgegen", "hook", "install").returncode == 0
    private = make_private(repo)
    target = repo / "content/awards/2026" / f"{OF_PUBLIC}.yaml"
    shutil.copyfile(private / "awards/2026" / f"{OF_PUBLIC}.yaml", target)
    assert run("git", "add", "content").returncode == 0
    refused = run("git", "commit", "-m", "attribution")
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[:2] == [
        f"content/awards/2026/{OF_PUBLIC}.yaml:10:13: restricted-in-public restricted: cette attribution est "
        "restreinte (restricted: true), jamais publiée : ce fichier ne doit pas être dans le dossier public.",
        f"    → correction : déplacez ce fichier dans le dossier privé (private/awards/2026/{OF_PUBLIC}.yaml) : "
        "il ne doit jamais être dans le dépôt public. S'il a déjà été enregistré dans git (commit), l'historique "
        "du dépôt le garde : prévenez l'administrateur du dépôt.",
    ]
    assert f"{OF_PUBLIC}" not in run("git", "log", "--all", "--name-only").stdout, "nothing was committed"


# --- badgegen award --restricted ----------------------------------------------------------------


def test_award_restricted_writes_to_the_private_folder_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "content")
    make_private(tmp_path)
    before = {p: p.read_bytes() for p in (tmp_path / "content").rglob("*") if p.is_file()}
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    command = ["award", "--badge", SECRET_BADGE, "--restricted", "--email", "sam@exemple.fr"]
    assert main([*command, "--issued-on", "2026-11-02", "--narrative", "Mesure menée."]) == 0
    out = capsys.readouterr().out
    (written,) = [p for p in (tmp_path / "private/awards/2026").glob("*.yaml") if p.stem not in RECIPIENTS]
    assert (
        out.splitlines()[0]
        == f"Badge restreint « {SECRET_NAMES[0]} » attribué : private/awards/2026/{written.name}"
    )
    assert f"delivery/{written.stem}/" in out and "sam@" not in out
    text = written.read_text("utf-8")
    assert text.endswith("restricted: true\n") and "listed" not in text.split("# Badge restreint")[1]
    assert "sam@exemple.fr" not in text
    assert {p: p.read_bytes() for p in (tmp_path / "content").rglob("*") if p.is_file()} == before
    assert main(["validate", "--content", "content", "--strict"]) == 0
    assert "3 attributions restreintes" in capsys.readouterr().out

    # A restricted badge is only found with --restricted; --listed makes no sense with it.
    assert main(["award", "--badge", SECRET_BADGE, "--email", "sam@exemple.fr"]) == 2
    assert main([*command, "--listed"]) == 2
    assert "--listed et --restricted ne vont pas ensemble" in capsys.readouterr().err


def test_private_and_delivery_folders_stay_out_of_content_and_site(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "content")
    for option, folder in (("--private", "content/private"), ("--delivery", "site/remise")):
        code, _out, stderr = run_build(tmp_path, option, str(tmp_path / folder), key=None)
        assert code == 2, stderr
        assert f"({option} " in stderr and "serait publié ou enregistré dans le dépôt public" in stderr
    assert not (tmp_path / "site").exists()
