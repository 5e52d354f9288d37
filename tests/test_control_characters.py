"""Control characters in content texts (`control-character`): refused wherever they come from.

C0 but tab and line breaks, DEL and C1 (`errors.CONTROL_CHARACTER_RE`): a signed OB 3.0
credential holding one fails some verifiers, and none is ever meant in a badge. The YAML
reader refuses them written as they are (in any scalar style, or a comment: `yaml-syntax`,
the file cannot be read); the escapes of double-quoted texts (`"\\x07"`, `"\\a"`,
`"\\N"`...) make them too: those are found by `yamlsafe.control_characters`, each located
at its backslash (`control-character`).
"""

from __future__ import annotations

import pytest
import yaml

from badgegen import load, yamlsafe
from badgegen.errors import CONTROL_CHARACTER_RE, ContentError, make_error, visible

FORBIDDEN = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
ALLOWED = ["\t", "\n", "\r", " ", "\xa0", "\u2028", "\u2029", "\u200b", "é", "\ufeff"]
NAMED = {"0": "\x00", "a": "\x07", "b": "\x08", "v": "\x0b", "f": "\x0c", "e": "\x1b", "N": "\x85"}


@pytest.fixture(params=[True, False], ids=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test with libyaml's fast path when available, and with the reference parser alone."""
    if request.param and not yamlsafe.LIBYAML:
        pytest.skip("PyYAML without libyaml")
    monkeypatch.setattr(yamlsafe, "LIBYAML", request.param)


def found(text: str) -> list[tuple[int, int, str, str, dict[str, str]]]:
    """(line, column, code, field, params) of the reading and control-character problems of `text`."""
    _data, _marks, problems = load.study("award", text.encode("utf-8"))
    return [
        (p.line, p.column, p.code, p.field, dict(p.params))
        for p in problems
        if p.code == "control-character" or p.code.startswith("yaml-")
    ]


def test_the_forbidden_characters() -> None:
    for code in range(0x110000):
        char = chr(code)
        expected = char in FORBIDDEN or 0xD800 <= code <= 0xDFFF  # (surrogates: one test below)
        assert bool(CONTROL_CHARACTER_RE.match(char)) == expected, hex(code)


@pytest.mark.usefixtures("parser")
@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "\\ud83d\\ude00"])
def test_a_lone_surrogate_written_as_an_escape_is_refused(escape: str) -> None:
    """`\\ud800` makes a character no UTF-8 output can hold (the JSON way of writing 😀, two
    escapes, makes two): refused where it is written, like a control character."""
    text = f'badge: semer\nnarrative: "Je sème {escape} en plein champ"\n'
    _data, _marks, problems = load.study("award", text.encode("utf-8"))
    found = [
        (p.line, p.column, dict(p.params)["written_en"]) for p in problems if p.code == "control-character"
    ]
    first = escape[:6]
    assert found[0] == (2, 21, f": here, delete '{first}' between the quotes")
    assert len(found) == len(escape) // 6


@pytest.mark.usefixtures("parser")
@pytest.mark.parametrize("char", FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def test_written_as_they_are_the_file_cannot_be_read(char: str) -> None:
    """Plain, quoted and block texts, and comments: the reader refuses the character, at its place.

    (NEL, U+0085, is a line break for YAML 1.1: in a quoted text it reads as one, so it never
    reaches the data; elsewhere the text around it no longer reads.)
    """
    for text, position in [
        (f"a: x{char}y\n", (1, 5)),
        (f"a: 'x{char}y'\n", (1, 6)),
        (f'a: "x{char}y"\n', (1, 6)),
        (f"a: |\n  x{char}y\n", (2, 4)),
        (f"# note{char}\na: 1\n", (1, 7)),
    ]:
        problems = found(text)
        if char == "\x85":
            assert all(p[2] != "control-character" for p in problems), text
            continue
        assert len(problems) == 1, text
        line, column, code, field, params = problems[0]
        assert ((line, column), code, field) == (position, "yaml-syntax", ""), text
        assert params["problem"].startswith(f"unacceptable character #x{ord(char):04x}")


@pytest.mark.usefixtures("parser")
@pytest.mark.parametrize("char", FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def test_escapes_are_found_at_their_backslash(char: str) -> None:
    code = ord(char)
    escapes = [f"\\x{code:02x}", f"\\u{code:04X}", f"\\U{code:08x}"]
    escapes += [f"\\{name}" for name, made in NAMED.items() if made == char]
    for escape in escapes:
        text = f'narrative: "é{escape}"\nevidence:\n  - name: "ok"\n    url: "x\\\n      {escape}"\n'
        assert found(text) == [
            (1, 14, "control-character", "narrative", _params(char, "narrative", escape)),
            (5, 7, "control-character", "evidence[0].url", _params(char, "evidence[0].url", escape)),
        ], escape


@pytest.mark.usefixtures("parser")
def test_every_escape_of_a_text_and_keys_too() -> None:
    text = 'narrative:\n  fr: "a\\a b\\tc \\x1B"\n"na\\x01me": "x"\n'
    assert [(line, column, field) for line, column, _code, field, _params in found(text)] == [
        (2, 9, "narrative.fr"),
        (2, 17, "narrative.fr"),
        (3, 4, "na[U+0001]me"),
    ]
    assert found(text)[2][4]["where_fr"] == "le nom de champ « na[U+0001]me »"


@pytest.mark.usefixtures("parser")
@pytest.mark.parametrize("char", ALLOWED, ids=[f"U+{ord(c):04X}" for c in ALLOWED])
def test_other_characters_pass(char: str) -> None:
    code = ord(char)
    for text in (f'narrative: "x\\u{code:04x}y"\n', f'narrative: "x\\x{code:02x}"\n' if code < 0x100 else ""):
        if text:
            assert found(text) == [], text
    assert found('narrative: "tab\\t, line\\n, return\\r, space\\_, \\L\\P, \\" \\\\ \\/"\n') == []


@pytest.mark.usefixtures("parser")
def test_a_raw_nel_still_counts_as_a_line_break_for_positions() -> None:
    text = 'a: "x\x85y"\nnarrative: "\\e"\n'
    assert [(p[0], p[1], p[3]) for p in found(text)] == [(3, 13, "narrative")]


def test_the_document_is_left_out_and_remembered_with_its_problems() -> None:
    text = 'narrative: "\\a"\n'
    data, marks, problems = load.study("award", text.encode())
    assert data == {"narrative": "\x07"} and marks
    assert "control-character" in {p.code for p in problems}


def test_messages_never_print_a_control_character() -> None:
    error = make_error("x.yaml", (1, 1), "unknown-field", "a\x1b[31m", name="a\x1b[31m", allowed="b")
    assert error.field == "a[U+001B][31m"
    for lang in ("fr", "en"):
        assert not CONTROL_CHARACTER_RE.search(error.format(lang))
    assert visible("a\tb\nc") == "a\tb\nc"


def test_the_schema_error_of_a_value_quotes_it_visibly() -> None:
    _data, _marks, problems = load.study("award", b'badge: "x\\ay"\n')
    shown = [p.format("fr") for p in problems]
    assert any("[U+0007]" in line for line in shown)
    assert not any(CONTROL_CHARACTER_RE.search(line) for line in shown)


def _params(char: str, field: str, escape: str) -> dict[str, str]:
    return {
        "char": f"U+{ord(char):04X}",
        "where_fr": f"le texte de « {field} »",
        "where_en": f"the text of '{field}'",
        "written_fr": f" : ici, effacez « {escape} » entre les guillemets",
        "written_en": f": here, delete '{escape}' between the quotes",
    }


def test_yaml_escapes_are_the_ones_known() -> None:
    """The escapes `_control_escapes` reads are PyYAML's own."""
    assert yaml.scanner.Scanner.ESCAPE_CODES == {"x": 2, "u": 4, "U": 8}
    for name, made in NAMED.items():
        assert yaml.scanner.Scanner.ESCAPE_REPLACEMENTS[name] == made


def test_content_error_is_unchanged_for_plain_text() -> None:
    error = make_error("x.yaml", (2, 3), "empty-value", "name.fr", value="« a »")
    assert error == ContentError("x.yaml", 2, 3, "empty-value", "name.fr")
    assert dict(error.params) == {"value": "« a »"}
