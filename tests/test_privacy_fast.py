"""The fast detectors of badgegen.privacy find exactly what the whole patterns find.

`find_personal_data` runs each pattern as one pattern per first character, and only when
a quick look at the text (`_Outline`) does not prove that it cannot match;
`find_personal_data_reference` runs the patterns as they are written. Both must give the
same findings on every text: generated ones here, made of the pieces that matter
(digits, separators, « @ » and its disguises, capitals, characters outside ASCII) and of
well-formed numbers and addresses, so that the detectors do match.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from hypothesis import example, given, settings
from hypothesis import strategies as st

from badgegen import privacy
from badgegen.privacy import find_personal_data, find_personal_data_reference

#: Characters the detectors look at, and a few they must not mistake for them.
ALPHABET = (
    "0123456789+-. /,()[]{}@&#;:_%\n\t"
    "\u00a0\u202f\uff20\u0663\uff10\uff11\u0966\ufffd"  # no-break spaces, ＠, non-ASCII digits, �
    "aAtTrRoObBsSeEcmdpixXFRDEGBMCNLZ"
    "éÉß"
)
#: Well-formed pieces: numbers (valid or not), addresses in every disguise, look-alikes.
PIECES = (
    "06 12 34 56 78",
    "0612345678",
    "06.12.34.56.78",
    "06\u00a012\u00a034\u00a056\u00a078",
    "+33 6 12 34 56 78",
    "+33 (0)6 12 34 56 78",
    "0033 6 12 34 56 78",
    "+44 20 7946 0958",
    "+1 (415) 555-0132",
    "1 85 05 78 006 084 36",
    "185057800608436",
    "2 69 05 2A 006 084 36",
    "1 85 05 78 006084 36",
    "18505 78 006084 36",  # no other run of digits than the shortest a NIR ends with: six
    "1 85 05 78 006\u00a0084 36",
    "FR76 3000 6000 0112 3456 7890 189",
    "FR7630006000011234567890189",
    "DE89 3704 0044 0532 0130 00",
    "GB82WEST12345698765432",
    "jean.dupont@exemple.fr",
    "contact@atelier.example.org",
    "jean(at)exemple.fr",
    "jean [at] exemple [dot] fr",
    "jean { arobase } exemple.fr",
    "jean arobase exemple point fr",
    "jean ArObAsE exemple.fr",
    "jean&#64;exemple.fr",
    "jean&#x0040;exemple.fr",
    "jean&commat;exemple.fr",
    "jean＠exemple.fr",
    "icon@2x.png",
    "https://exemple.fr/2026/0612345678",
    "www.exemple.fr/0612345678",
    "2022-07-20T00:00:00+00:00",
    "M12 4.5l2.2 4.5 4.9.7-3.5",
    "\u0660\u0666 \u0661\u0662 \u0663\u0664 \u0665\u0666 \u0667\u0668",
    "0\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",
)
ALLOWED = frozenset({"contact@atelier.example.org"})

texts = st.one_of(
    st.text(alphabet=ALPHABET, max_size=80),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(alphabet=ALPHABET, max_size=6)), max_size=8).map(
        "".join
    ),
    st.text(max_size=40),
)


def spans(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(match.span(), match.groupdict()) for match in matches]  # type: ignore[attr-defined]


@settings(max_examples=1500, deadline=None)
@given(texts)
@example("jean(arobase)exemple.fr")
@example("a\n@exemple.fr")
@example("+33 6 12 34 56 78 et 0612345678")
@example('{"@context": "x", "id": "jean@exemple.fr", "@id": "é@exemple.fr", "x": "%@exemple.fr"}')
@example("a.\n@exemple.fr a\n\n@exemple.fr @exemple.fr (jean\n@exemple.fr)")
def test_the_fast_detectors_find_what_the_whole_patterns_find(text: str) -> None:
    assert find_personal_data(text, ALLOWED) == find_personal_data_reference(text, ALLOWED)


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.one_of(st.binary(max_size=6), st.sampled_from(PIECES).map(str.encode)), max_size=8).map(
        b"".join
    )
)
@example(b"06 12 34\xff 56 78")
@example(b"06 12 34 56\xc3 78")
@example("0612\u00a034 56 78".encode() + b"\x80\x80")
def test_the_bytes_a_text_was_decoded_from_give_the_same_findings(data: bytes) -> None:
    """The output check passes the file's bytes along (errors replaced when decoded)."""
    text = data.decode("utf-8", "replace")
    assert find_personal_data(text, ALLOWED, data=data) == find_personal_data_reference(text, ALLOWED)


def may_start_an_address(text: str, at: re.Match[str]) -> bool:
    """Whether `at`, a match of `_AT_RE`, may have an address around it: any but an « @ »
    without a local part before it (`_AT_PARTS` leaves some of those out: `"@context"`...)."""
    return at.group(0) != "@" or privacy._local_part(text[: at.start()]) is not None


@settings(max_examples=1500, deadline=None)
@given(texts)
@example('{"@context": "x", "id": "a@b.fr", "@id": "é@exemple.fr"}')
@example("%@exemple.fr -@exemple.fr .@exemple.fr a.\n@exemple.fr a\n\n@exemple.fr @exemple.fr")
def test_the_parts_of_each_pattern_match_like_the_whole_pattern(text: str) -> None:
    """Where the outline lets them run, the parts give every match of the whole pattern, but
    « @ » signs that no address can be around."""
    outline = privacy._Outline(text)
    at_parts = outline.at_parts()
    found = spans(privacy._finditer(at_parts, text))
    whole = list(privacy._AT_RE.finditer(text))
    assert found == [span for span in spans(whole) if span in found]  # in order, none added
    assert all(
        may_start_an_address(text, match) is False for match in whole if spans([match])[0] not in found
    )
    assert spans(privacy._finditer(outline.fr_phone_parts(), text)) == spans(
        privacy._FR_PHONE_RE.finditer(text)
    )
    assert spans(privacy._finditer(outline.nir_parts(), text)) == spans(privacy._NIR_RE.finditer(text))
    if not outline.may_hold_intl_phone():
        assert privacy._INTL_PHONE_RE.search(text) is None


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="ab_.%+-\n é3@", max_size=20))
@example("jean.dupont")
@example("jean\n")
@example(".jean")
@example("jean.")
@example("a\n\n")
def test_the_local_part_is_found_backwards_as_the_pattern_finds_it(before: str) -> None:
    match = privacy._LOCAL_RE.search(before)
    expected = None if match is None else (match.start(), match.group(0))
    assert privacy._local_part(before) == expected


@settings(max_examples=800, deadline=None)
@given(texts)
def test_each_part_matches_only_at_its_own_first_character(text: str) -> None:
    """`_finditer` is exact only if no two parts can match at one position."""
    for parts in (privacy._AT_PARTS, privacy._FR_PHONE_PARTS, privacy._NIR_PARTS):
        for position in range(len(text)):
            starting = [first for first, part in parts.items() if part.match(text, position)]
            assert starting in ([], [text[position]])


@given(st.text(alphabet="ab./_", max_size=12))
@example("x.json/.")
@example("a/b.JSON")
@example(".hidden")
def test_the_suffix_of_a_built_file_is_the_one_pathlib_gives(relative: str) -> None:
    assert privacy._path_suffix(relative) == PurePosixPath(relative).suffix.lower()


@settings(max_examples=800, deadline=None)
@given(
    st.binary(max_size=60).map(lambda raw: raw.replace(b"r", b"rob")),
    st.integers(1, 9),
)
def test_a_word_in_any_case_is_found_however_the_bytes_are_sliced(data: bytes, step: int) -> None:
    """`_holds_any_case` lowers a slice at a time (so a 13 MB ledger is not copied whole):
    it says what `needle in data.lower()` says, whatever the slices' size."""
    original = privacy._FOLD_SLICE
    try:
        privacy._FOLD_SLICE = step
        assert privacy._holds_any_case(data, b"robase") == (b"robase" in data.lower())
        assert privacy._holds_any_case(data + b"RoBaSe", b"robase")
    finally:
        privacy._FOLD_SLICE = original


def test_a_text_file_with_a_byte_order_mark_is_read_from_its_first_character() -> None:
    """`text_errors` hands `find_personal_data` the bytes without the mark: positions are
    those of the text without it, as before."""
    plain = "titre: x\nnote: écrire à jeanne.martin@gmail.com\n".encode()
    with_mark = privacy.text_errors(
        "f.yaml", b"\xef\xbb\xbf" + plain, frozenset(), yaml_fields=True, award=False
    )
    without = privacy.text_errors("f.yaml", plain, frozenset(), yaml_fields=True, award=False)
    assert [(e.line, e.column, e.field) for e in with_mark] == [(2, 16, "note")]
    assert [(e.line, e.column, e.field) for e in without] == [(2, 16, "note")]


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.one_of(st.binary(max_size=6), st.sampled_from(PIECES).map(str.encode)), max_size=12).map(
        b"".join
    ),
    st.integers(1, 24),
)
@example(b"x" * 30 + "06\u00a012\u00a034\u00a056\u00a078".encode(), 31)
def test_a_large_texts_outline_read_in_slices_says_what_the_whole_one_says(data: bytes, step: int) -> None:
    """Past `_FOLD_SLICE` bytes, the outline's classes are made a slice at a time (the 13 MB
    ledger at 50 000 awards): every test gives what it gives on the whole classes, and the
    findings stay those of the reference, whatever the slices' size."""
    text = data.decode("utf-8", "replace")
    whole = privacy._Outline(text, data)
    original = privacy._FOLD_SLICE
    try:
        privacy._FOLD_SLICE = step
        sliced = privacy._Outline(text, data)
        assert (sliced.classes is None) == (len(data) > step)
        assert sliced.digit_runs == whole.digit_runs
        assert sliced.fr_phone_parts() == whole.fr_phone_parts()
        assert sliced.nir_parts() == whole.nir_parts()
        assert sliced.may_hold_intl_phone() == whole.may_hold_intl_phone()
        assert sliced.may_hold_iban() == whole.may_hold_iban()
        assert sliced.at_parts() == whole.at_parts()
        assert find_personal_data(text, ALLOWED, data=data) == find_personal_data_reference(text, ALLOWED)
    finally:
        privacy._FOLD_SLICE = original
