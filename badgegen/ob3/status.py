"""Revocation of OB 3.0 credentials: W3C Bitstring Status List v1.0.

Each issuer publishes one signed `BitstringStatusListCredential`
(`issuers/<slug>/status/revocation.json`), issued by its own DID: verifiers such
as Digital Bazaar's check that a status list and the credential it speaks for
have the same issuer. Each award owns one index, the same in every list; the bit
at that index is 1 in its issuer's list when the award is revoked. Expiry needs
no list: it is the credential's own `validUntil`.

Indexes are promises (a credential already handed out names its index for ever),
so they are allocated once and recorded in `content/status-list.txt`, beside the
ledger of published addresses and written by `badgegen build` the same way (only
when something is new; `--frozen-ledger`, `validate` and `serve` never write it).
A new award's index is derived from its id (SHA-256 modulo the list length, then
the next free index on a collision), so indexes are spread over the list and the
same content always allocates the same ones, but a recorded index never moves.
Public awards use the lower half of the list; the upper half belongs to restricted
awards, which are never published and whose indexes are recorded in the private
folder only (see `badgegen.restricted`).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from badgegen.errors import BuildError
from badgegen.load import display_path
from badgegen.ob3 import multibase

STATUS_FILE = "status-list.txt"
#: Bits per list: the spec's minimum (16 KB), so one index tells nothing about how many awards exist.
LIST_LENGTH = 131_072
#: Public awards take their indexes in the lower half; restricted awards (never published,
#: `badgegen.restricted`) in the upper half, recorded in the private folder only, so that a
#: public build, which never sees them, cannot give their indexes away.
PUBLIC_INDEXES = LIST_LENGTH // 2
#: The line of a revoked restricted award in content/status-list.txt: `index restricted-revoked:index`
#: (the index alone: no award id, no hash). Its bit is set in every issuer's list.
RESTRICTED_REVOKED = "restricted-revoked:"

HEADER = """\
# Index des attributions dans les listes de révocation Open Badges 3.0 : ne les modifiez pas.
#
# Chaque justificatif signé (OB 3.0) nomme pour toujours un index de la liste de révocation de
# son organisation ; révoquer l'attribution met ce bit à 1. Un index donné ne change jamais, et
# n'est jamais réutilisé. La publication (la CI sur main) ajoute ici les nouveaux index avec
# `badgegen build` et enregistre ce fichier, comme published.txt.
# Une ligne « index restricted-revoked:index » est une attribution restreinte (jamais publiée)
# révoquée : seul son numéro est public.
#
# index attribution
"""


@dataclass(frozen=True)
class StatusIndexes:
    """The recorded indexes (award id → index) and those this build allocates."""

    file: Path
    recorded: dict[str, int]
    indexes: dict[str, int]

    @property
    def added(self) -> int:
        return len(self.indexes) - len(self.recorded)


def status_file(content: Path) -> Path:
    return content / STATUS_FILE


def read(content: Path, known: Mapping[str, str] | None = None) -> dict[str, int]:
    """The recorded indexes; a missing file records none. A broken file stops the build.

    An award id that `known` holds is named with its string (the registry's own, not a copy
    read from the file: 3.4 MB at 50 000 awards, held through a signed build)."""
    file = status_file(content)
    find = known.get if known is not None else None
    recorded: dict[str, int] = {}
    if not file.is_file():
        return recorded
    owners: dict[int, str] = {}
    for number, line in enumerate(file.read_text("utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = text.split()
        if len(fields) != 2 or not fields[0].isdigit() or int(fields[0]) >= LIST_LENGTH:
            raise BuildError(f"{display_path(file)}:{number}: expected '<index> <award id>', got {text!r}")
        index, award_id = int(fields[0]), fields[1]
        if find is not None:
            award_id = find(award_id, award_id)
        if award_id in recorded or index in owners:
            raise BuildError(
                f"{display_path(file)}:{number}: index {index} or award {award_id} is listed twice"
            )
        recorded[award_id], owners[index] = index, award_id
    return recorded


def allocate(recorded: dict[str, int], award_ids: Iterable[str]) -> dict[str, int]:
    """Every award's index: the recorded ones unchanged, new ones derived from their ids.
    `recorded` itself when every award has its index (no copy of it held through the build)."""
    new = sorted(set(award_ids) - recorded.keys())
    if not new:
        return recorded
    indexes = dict(recorded)
    taken = set(recorded.values())
    public = sum(1 for index in taken if index < PUBLIC_INDEXES)  # (the upper half is restricted awards')
    for award_id in new:
        if public >= PUBLIC_INDEXES:
            raise BuildError("the status lists are full")
        index = int.from_bytes(hashlib.sha256(award_id.encode("utf-8")).digest()[:8], "big") % PUBLIC_INDEXES
        while index in taken:
            index = (index + 1) % PUBLIC_INDEXES
        indexes[award_id] = index
        taken.add(index)
        public += 1
    return indexes


def indexes_for(content: Path, award_ids: Iterable[str]) -> StatusIndexes:
    award_ids = list(award_ids)
    recorded = read(content, {award_id: award_id for award_id in award_ids})
    return StatusIndexes(status_file(content), recorded, allocate(recorded, award_ids))


def render(indexes: dict[str, int]) -> bytes:
    """The file's bytes: the header, then `index award-id` lines by index (same content, same bytes)."""
    lines = "".join(
        f"{index} {award_id}\n" for award_id, index in sorted(indexes.items(), key=lambda i: i[1])
    )
    return (HEADER + lines).encode("utf-8")


def record(status: StatusIndexes) -> int:
    """Write the new indexes (atomically, only when some are new); return how many were added."""
    if not status.added:
        return 0
    status.file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{status.file.name}.", dir=status.file.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(render(status.indexes))
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(0o644)
        Path(temporary).replace(status.file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return status.added


def restricted_revoked(indexes: dict[str, int]) -> list[int]:
    """The indexes of revoked restricted awards (`restricted-revoked:` lines): set in every list."""
    return sorted(index for key, index in indexes.items() if key.startswith(RESTRICTED_REVOKED))


def encode_list(revoked: Iterable[int], length: int = LIST_LENGTH) -> str:
    """`encodedList`: multibase base64url (no padding) of the GZIP of the bitstring.

    Bit 0 is the most significant bit of the first byte (the spec's left-to-right order).
    The GZIP header carries no time, so the same bits always encode to the same text.
    """
    bits = bytearray(length // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return multibase.encode_base64url(gzip.compress(bytes(bits), compresslevel=9, mtime=0))


def decode_list(encoded: str) -> bytes:
    return gzip.decompress(multibase.decode_base64url(encoded))


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
