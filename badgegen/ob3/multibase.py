"""Multibase and Multikey encodings (base58btc `z…`, base64url `u…`) for Ed25519 keys.

- public key: `z` + base58btc(0xed 0x01 + 32 bytes), the `z6Mk…` form of Multikey;
- secret key: `z` + base58btc(0x80 0x26 + 32-byte seed), the `z3u2…` form;
- base64url without padding, prefixed `u` (Bitstring Status List's `encodedList`).
"""

from __future__ import annotations

import base64

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: index for index, char in enumerate(ALPHABET)}
#: Multicodec prefixes (unsigned varints) of Ed25519 keys.
ED25519_PUBLIC = b"\xed\x01"
ED25519_SECRET = b"\x80\x26"


def b58encode(data: bytes) -> str:
    """Bitcoin's base58 (leading zero bytes become `1`s)."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """The bytes of a base58 text; ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError("not base58")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * zeros + body


def encode_base58btc(data: bytes) -> str:
    return "z" + b58encode(data)


def decode_base58btc(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("not a base58btc multibase value (it must start with z)")
    return b58decode(text[1:])


def encode_base64url(data: bytes) -> str:
    """`u` + base64url without padding."""
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode_base64url(text: str) -> bytes:
    if not text.startswith("u"):
        raise ValueError("not a base64url multibase value (it must start with u)")
    body = text[1:]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def _encode_key(prefix: bytes, raw: bytes) -> str:
    if len(raw) != 32:
        raise ValueError("an Ed25519 key has 32 bytes")
    return encode_base58btc(prefix + raw)


def _decode_key(prefix: bytes, text: str) -> bytes:
    data = decode_base58btc(text)
    if len(data) != 34 or not data.startswith(prefix):
        raise ValueError("not an Ed25519 Multikey value")
    return data[2:]


def encode_public_key(raw: bytes) -> str:
    """The Multikey `publicKeyMultibase` of a 32-byte Ed25519 public key (`z6Mk…`)."""
    return _encode_key(ED25519_PUBLIC, raw)


def decode_public_key(text: str) -> bytes:
    return _decode_key(ED25519_PUBLIC, text)


def encode_secret_key(seed: bytes) -> str:
    """The Multikey `secretKeyMultibase` of a 32-byte Ed25519 seed (`z3u2…`)."""
    return _encode_key(ED25519_SECRET, seed)


def decode_secret_key(text: str) -> bytes:
    return _decode_key(ED25519_SECRET, text)
