"""Unchanged OB 3.0 documents keep their bytes: no signing time, and a memo of proofs.

- A proof says no `created`: two builds at different times write the same bytes.
- `Signer(memo=…)`: a second run over the same content signs nothing and writes the same
  bytes; changing one award signs exactly that award's credential again; a memo entry this
  key did not write (tampered, copied, another key's) is ignored and the document signed again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ob3_support import BASE, EXAMPLE, add_signing_key

from badgegen import urls
from badgegen.cli import main
from badgegen.model import Registry
from badgegen.ob3 import keys, proof, publish, status
from badgegen.ob3.keys import SigningKey
from badgegen.pipeline import BuildConfig, check

#: An award with a narrative (not revoked): the one the tests change.
CHANGED = "dxpfntxgs36wtnpozoub"
OB3 = (".credential.", "/did.json", "/profile.json", "/status/", ".achievement.json")


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("memo") / "content"
    shutil.copytree(EXAMPLE, folder)
    secret, _public = add_signing_key(folder)
    return folder, secret


def _registry(folder: Path, secret: str) -> tuple[Registry, SigningKey]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(keys.ENV_KEY, secret)
        mp.delenv(keys.ENV_KEY_FILE, raising=False)
        report = check(BuildConfig(content=folder, base_url=BASE, update_ledger=False))
    assert report.registry is not None and report.signing is not None
    return report.registry, report.signing


def _outputs(signer: publish.Signer) -> dict[str, bytes]:
    indexes = status.allocate({}, signer.registry.awards)
    return dict(publish.outputs(signer, indexes))


def test_a_second_run_with_the_memo_signs_nothing(content: tuple[Path, str]) -> None:
    registry, key = _registry(*content)
    memo: dict[str, str] = {}
    first = publish.Signer(registry, key, memo=memo)
    files = _outputs(first)
    assert first.signed == first.count > 20 and first.reused == 0
    assert len(memo) == first.signed == len(first.memo_keys)
    again = publish.Signer(_registry(*content)[0], key, memo=memo)
    assert _outputs(again) == files
    assert again.signed == 0 and again.reused == first.count
    assert again.memo_keys == set(memo)  # every entry was used: nothing to prune
    plain = publish.Signer(registry, key)  # without a memo: the same proofs
    assert _outputs(plain) == files and plain.signed == first.count


def test_changing_one_award_signs_exactly_its_credential_again(
    content: tuple[Path, str], tmp_path: Path
) -> None:
    folder, secret = content
    registry, key = _registry(folder, secret)
    memo: dict[str, str] = {}
    before = _outputs(publish.Signer(registry, key, memo=memo))
    changed = tmp_path / "content"
    shutil.copytree(folder, changed)
    award = next(changed.glob(f"awards/*/{CHANGED}.yaml"))
    text = award.read_text("utf-8")
    award.write_text(text.replace("pendant tout l'hiver", "pendant tout l'automne"), "utf-8")
    assert award.read_text("utf-8") != text
    signer = publish.Signer(_registry(changed, secret)[0], key, memo=memo)
    after = _outputs(signer)
    assert signer.signed == 1 and signer.reused == signer.count - 1
    differ = sorted(path for path in after if after[path] != before.get(path))
    assert differ and all(path.startswith(f"assertions/{CHANGED}.credential.") for path in differ), differ
    assert len(memo) == signer.count + 1  # the old entry stays until the caller prunes it
    assert len(signer.memo_keys) == signer.count


def test_memo_entries_this_key_did_not_write_are_ignored(content: tuple[Path, str]) -> None:
    registry, key = _registry(*content)
    memo: dict[str, str] = {}
    files = _outputs(publish.Signer(registry, key, memo=memo))
    first, second, third = sorted(memo)[:3]
    memo[first], memo[second] = memo[second], memo[first]  # valid entries, in the wrong places
    memo[third] = memo[third].split(".")[0][:-4] + "abcd." + memo[third].split(".")[1]
    signer = publish.Signer(registry, key, memo=memo)
    assert _outputs(signer) == files
    assert signer.signed == 3 and signer.reused == signer.count - 3
    private = keys.private_key_from(keys.generate()[0])  # another key (a rotation): no use of the memo
    other = SigningKey("key-2027", private, keys.public_key_of(private))
    stranger = publish.Signer(registry, other, memo=memo)
    _outputs(stranger)
    assert stranger.reused == 0 and stranger.signed == signer.count
    for path, data in files.items():
        if path.endswith(".credential.json"):
            assert proof.verify(json.loads(data), key.private.public_key()), path


def test_a_build_at_another_time_writes_the_same_bytes(content: tuple[Path, str], tmp_path: Path) -> None:
    """No proof says when it was made: a later build (no SOURCE_DATE_EPOCH in real life) changes nothing."""
    folder, secret = content
    sites = []
    for epoch in ("1795953600", "1796040000"):  # a day apart
        out = tmp_path / epoch
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", epoch)
            mp.setenv(keys.ENV_KEY, secret)
            mp.delenv(keys.ENV_KEY_FILE, raising=False)
            args = [
                "build",
                "--content",
                str(folder),
                "--out",
                str(out),
                "--base-url",
                BASE,
                "--frozen-ledger",
            ]
            assert main(args) == 0
        sites.append(out)
    compared = 0
    for path in sorted(sites[0].rglob("*")):
        name = path.relative_to(sites[0]).as_posix()
        if path.is_file() and any(part in f"/{name}" for part in OB3):
            assert (sites[1] / name).read_bytes() == path.read_bytes(), name
            compared += 1
    assert compared > 40


def test_an_award_embeds_its_endorsements_as_published_without_the_build_keeping_them(
    content: tuple[Path, str],
) -> None:
    """An award's endorsements are not kept for every credential (12 MB at 50 000 awards): each
    credential made embeds them made again, their proofs from the memo, the very documents
    published on their own; and they are not counted twice."""
    registry, key = _registry(*content)
    signer = publish.Signer(registry, key, memo={})
    parts = publish.SharedParts()
    indexes = status.allocate({}, registry.awards)
    shared = dict(publish.shared_outputs(signer, indexes, parts))
    endorsed = {
        e.subject_id: e
        for e in registry.endorsements.values()
        if e.subject_kind == "award" and registry.awards[e.subject_id].revoked is None
    }
    assert endorsed and not set(parts.endorsements) & {
        e.id for e in registry.endorsements.values() if e.subject_kind == "award"
    }
    assert set(parts.endorsements) == {
        e.id for e in registry.endorsements.values() if e.subject_kind != "award"
    }
    given = signer.count
    for award_id, endorsement in endorsed.items():
        award = registry.awards[award_id]
        files = dict(publish.award_outputs(signer, parts, award, indexes[award_id]))
        credential = json.loads(files[urls.credential_json(award)])
        assert json.loads(shared[urls.endorsement_credential_json(endorsement)]) in credential["endorsement"]
    assert signer.count == given + len(endorsed) and signer.signed == given + len(endorsed)
