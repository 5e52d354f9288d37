"""Finding a private key where it must never be: the content folder and the built site.

Three kinds of finding, on raw bytes (so any file, text or not, is covered):

- `multikey`: an Ed25519 secret written as a Multikey (`z3u2…`, 48 characters), the
  form `badgegen keys generate` prints;
- `pem`: a PEM private key block (`-----BEGIN PRIVATE KEY-----`, also RSA, EC,
  OPENSSH, ENCRYPTED…);
- `exact`: the very key this machine signs with (the value of `BADGEGEN_SIGNING_KEY`
  or the content of `BADGEGEN_SIGNING_KEY_FILE`), and its 32-byte seed in hex or
  base64, whatever the file around it.

Messages never repeat what was found.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from badgegen.errors import ContentError, make_error
from badgegen.ob3 import multibase
from badgegen.ob3.keys import ENV_KEY, ENV_KEY_FILE

_MULTIKEY_RE = re.compile(rb"(?<![0-9A-Za-z])z3u2[1-9A-HJ-NP-Za-km-z]{44}(?![0-9A-Za-z])")
_PEM_RE = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
#: What each kind is called: (fr, en).
KIND_WORDS = {
    "multikey": ("clé secrète Multikey z3u2…", "Multikey secret key z3u2…"),
    "pem": ("bloc PEM « PRIVATE KEY »", "PEM 'PRIVATE KEY' block"),
    "exact": ("la clé de signature de ce poste", "the signing key of this machine"),
}


@dataclass(frozen=True, order=True)
class Leak:
    offset: int
    kind: str


def environment_needles(environ: Mapping[str, str] | None = None) -> tuple[bytes, ...]:
    """The signing key given to this machine, in every form it could be copied in."""
    env = os.environ if environ is None else environ
    texts = [env.get(ENV_KEY, "").strip()]
    file = env.get(ENV_KEY_FILE, "").strip()
    if file:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            texts.append(Path(file).expanduser().read_text("utf-8").strip())
    needles: set[bytes] = set()
    for text in filter(None, texts):
        needles.add(text.encode("utf-8"))
        try:
            seed = multibase.decode_secret_key(text)
        except ValueError:
            continue
        needles |= {seed.hex().encode(), base64.b64encode(seed), base64.urlsafe_b64encode(seed)}
        needles |= {base64.b64encode(seed).rstrip(b"="), base64.urlsafe_b64encode(seed).rstrip(b"=")}
    return tuple(sorted(needles))


def find_private_keys(data: bytes, needles: tuple[bytes, ...] = ()) -> list[Leak]:
    """Every private key in `data`, by position (a z3u2… match must decode to an Ed25519 secret)."""
    # The plain searches first: the regular expressions run only where they could match
    # (most built files hold neither, and the scan covers every byte of the site).
    found = (
        {Leak(match.start(), "pem") for match in _PEM_RE.finditer(data)} if b"PRIVATE KEY" in data else set()
    )
    multikeys = _MULTIKEY_RE.finditer(data) if b"z3u2" in data else ()
    for match in multikeys:
        try:
            multibase.decode_secret_key(match.group(0).decode("ascii"))
        except ValueError:
            continue
        found.add(Leak(match.start(), "multikey"))
    for needle in needles:
        start = data.find(needle)
        while start >= 0:
            if not any(leak.offset == start for leak in found):
                found.add(Leak(start, "exact"))
            start = data.find(needle, start + 1)
    return sorted(found)


def position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of a byte offset, the column counted in characters."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode("utf-8", "replace")) + 1


def key_errors(shown: str, data: bytes, needles: tuple[bytes, ...]) -> list[ContentError]:
    """A `private-key` error for each private key in one file of the content (or a staged file)."""
    errors = []
    for leak in find_private_keys(data, needles):
        kind_fr, kind_en = KIND_WORDS[leak.kind]
        errors.append(
            make_error(
                shown, position(data, leak.offset), "private-key", "", kind_fr=kind_fr, kind_en=kind_en
            )
        )
    return errors
