"""Building a signed copy of a content tree, for the Open Badges 3.0 tests.

The key is made when the tests run and lives only in their temporary folder and
environment: no private key is ever committed. Use:

    signed = build_signed_site(tmp_path, EXAMPLE, BASE)   # copies content, adds the key, builds
    signed.out / "assertions/<id>.credential.json"          # the signed credentials…
    signed.env                                               # {"BADGEGEN_SIGNING_KEY": secret}

`build_signed_site` builds with `--frozen-ledger` unless `frozen=False`.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from badgegen.cli import main
from badgegen.ob3 import keys

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"


@dataclass(frozen=True)
class SignedSite:
    content: Path  # the copied content folder, with the key's public part in registry.yaml
    out: Path  # the built site
    secret: str  # z3u2… (the test's own key, generated at run time)
    public_key: str  # z6Mk…
    key_id: str

    @property
    def env(self) -> dict[str, str]:
        return {keys.ENV_KEY: self.secret}


def add_signing_key(content: Path, key_id: str = "key-2026", *, retired: bool = False) -> tuple[str, str]:
    """A new key pair; its public key is added to `content/registry.yaml`. Returns (secret, public)."""
    secret, public = keys.generate()
    registry = content / "registry.yaml"
    text = registry.read_text("utf-8")
    entry = f"  - id: {key_id}\n    public_key: {public}\n" + ("    retired: true\n" if retired else "")
    if "\nsigning_keys:\n" not in text:
        text = text.rstrip("\n") + "\nsigning_keys:\n"
    registry.write_text(text + entry, "utf-8")
    return secret, public


def build_signed_site(
    tmp: Path,
    source: Path = EXAMPLE,
    base_url: str = BASE,
    *,
    frozen: bool = True,
    extra_args: tuple[str, ...] = (),
) -> SignedSite:
    """Copy `source` into `tmp/content`, give it a new signing key, and build `tmp/site` with it."""
    content, out = tmp / "content", tmp / "site"
    shutil.copytree(source, content)
    secret, public = add_signing_key(content)
    args = ["build", "--content", str(content), "--out", str(out), "--base-url", base_url, *extra_args]
    if frozen:
        args.append("--frozen-ledger")
    saved = {name: os.environ.get(name) for name in (keys.ENV_KEY, keys.ENV_KEY_FILE)}
    os.environ[keys.ENV_KEY] = secret
    os.environ.pop(keys.ENV_KEY_FILE, None)
    try:
        code = main(args)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert code == 0, "the signed build failed"
    return SignedSite(content, out, secret, public, "key-2026")
