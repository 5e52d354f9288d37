"""A large text file is scanned for personal data a block of lines at a time.

`privacy.text_errors` decodes a file larger than `BLOCK_BYTES` whole only when one of its
blocks (`line_blocks`) holds something (`clean_in_blocks`). That is safe only if a text with
a finding always has a block with one: checked here on generated texts, cut into blocks just
over the lead so that many lines fall on a block's edge, and on the one finding that crosses
a line (an address whose local part ends the line before its « @ »).
"""

from __future__ import annotations

import itertools
import tracemalloc

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from badgegen import privacy
from badgegen.privacy import BLOCK_LEAD, clean_in_blocks, find_personal_data, line_blocks, text_errors
from tests.test_privacy_fast import ALLOWED, ALPHABET, PIECES

BOM = "\ufeff"
#: Lines that end a line with a local part, or start one with an « @ » or its disguises.
EDGES = ("jean.dupont", "jean", "@exemple.fr", "[at] exemple [dot] fr", "arobase exemple.fr", "＠exemple.fr")

lines = st.one_of(
    st.text(alphabet=ALPHABET.replace("\n", ""), max_size=30),
    st.sampled_from(PIECES + EDGES),
    st.integers(min_value=0, max_value=600).map(
        lambda n: "é" * (n // 2) + "x" * (n % 2)
    ),  # long, two bytes each
    st.integers(min_value=0, max_value=600).map("-".__mul__),
)
documents = st.tuples(st.booleans(), st.lists(lines, max_size=40)).map(
    lambda made: (BOM if made[0] else "") + "\n".join(made[1])
)
sizes = st.integers(min_value=BLOCK_LEAD + 1, max_value=BLOCK_LEAD + 300)


@settings(max_examples=600, deadline=None)
@given(documents, sizes)
@example("x" * 500 + "\njean\n@exemple.fr\n", BLOCK_LEAD + 1)
@example("é" * 300 + "\njean.dupont\n＠exemple.fr", BLOCK_LEAD + 1)
def test_a_text_with_a_finding_has_a_block_with_one(text: str, size: int) -> None:
    data = text.encode()
    whole = text[1:] if text.startswith(BOM) else text
    if find_personal_data(whole, ALLOWED):
        assert not clean_in_blocks(data, ALLOWED, size)


@settings(max_examples=300, deadline=None)
@given(documents, sizes)
def test_every_line_is_whole_in_a_block_after_its_lead(text: str, size: int) -> None:
    data = text.encode()
    start = 3 if text.startswith(BOM) else 0
    blocks = list(line_blocks(data, size, start))
    assert blocks[0][0] == start and blocks[-1][1] == len(data)
    for (_, end), (first, _) in itertools.pairwise(blocks):
        assert data[end - 1 : end] == b"\n"
        assert end - BLOCK_LEAD <= first <= end - BLOCK_LEAD + 3  # at the next character
        assert data[first] < 0x80 or data[first] >= 0xC0
    line_start = start
    while line_start < len(data):
        newline = data.find(b"\n", line_start)
        line_end = len(data) if newline < 0 else newline + 1
        assert any(
            first <= max(start, line_start - (BLOCK_LEAD - 3)) and line_end <= end for first, end in blocks
        ), (line_start, line_end, blocks)
        line_start = line_end


@pytest.mark.parametrize("at", ["@", "＠", " (at) ", " arobase "])
def test_a_local_part_that_ends_the_line_before_a_block_is_found(at: str) -> None:
    """The block that starts the « @ »'s line holds the 96 characters before it, however many
    bytes they take: a shorter look would start the local part at its « . » (`.b@…`), which
    is no address. The « . » is put at every distance in bytes up to 4 × 89 + 3."""
    for wide in range(90):
        for narrow in range(4):
            if (
                wide + narrow == 0 or wide + narrow > 89
            ):  # (a longer one is beyond the 96 characters looked at)
                continue
            text = "x\n" * 300 + "a." + "\U0001d4b7" * wide + "b" * narrow + f"\n{at}exemple.fr\n"
            assert find_personal_data(text)
            size = text.encode().index(
                f"\n{at}".encode()
            )  # the first block ends where the « @ »'s line starts
            assert not clean_in_blocks(text.encode(), frozenset(), size), (wide, narrow)


def test_blocks_smaller_than_their_lead_are_refused() -> None:
    with pytest.raises(ValueError, match="lead"):
        list(line_blocks(b"x\n" * 1000, BLOCK_LEAD))


def _ledger_like(count: int) -> bytes:
    header = "# Adresses publiées du registre : ne les supprimez pas.\n"  # not ASCII: two bytes a character
    return (header + "".join(f"awards/a-{index:06d}.json\n" for index in range(count))).encode()


def test_a_large_clean_file_is_never_decoded_whole() -> None:
    data = _ledger_like(600_000)  # about the ledger of 50 000 awards, signed
    assert len(data) > 12 * privacy.BLOCK_BYTES
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        assert text_errors("content/published.txt", data, frozenset(), yaml_fields=False, award=False) == []
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < len(data) // 2  # its text alone would take twice its bytes


@pytest.mark.parametrize("at", ["@", "＠", " [at] "])
def test_a_large_file_reports_what_a_whole_scan_reports(monkeypatch: pytest.MonkeyPatch, at: str) -> None:
    """An address split over a block's edge, and one in the middle: both reported, where they are."""
    data = _ledger_like(120_000)
    cut = next(end for _, end in line_blocks(data))  # the first block's end: a line starts there
    data = data[:cut] + f"x\njean.dupont\n{at}exemple.fr\n".encode() + data[cut:]
    data = data.replace(b"awards/a-060000.json", b"appeler le 06 12 34 56 78")
    blocked = text_errors("content/published.txt", data, frozenset(), yaml_fields=False, award=False)
    monkeypatch.setattr(privacy, "BLOCK_BYTES", len(data))  # one block: the whole text
    whole = text_errors("content/published.txt", data, frozenset(), yaml_fields=False, award=False)
    assert blocked == whole
    assert [(error.line, error.code) for error in blocked] == [
        (data[:cut].count(b"\n") + 2, "personal-data"),
        (data.count(b"\n", 0, data.index(b"appeler")) + 1, "personal-data"),
    ]
