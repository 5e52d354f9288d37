"""Read one YAML file strictly, keeping the position of every value.

Why not `yaml.safe_load`: coordinators edit these files by hand, and YAML has
surprises that silently change meaning. Here they are errors instead:

- a key given twice (the second would silently win);
- anchors, aliases and merge keys (`&a`, `*a`, `<<`): spooky action at a distance;
- explicit tags (`!!python/...`, `!foo`);
- bytes that are not UTF-8;
- control characters (`badgegen.errors.CONTROL_CHARACTER_RE`: C0 but tab and line
  breaks, DEL, C1) written as they are, anywhere: the YAML reader refuses them
  (`yaml-syntax`); written as escapes in a double-quoted text (`"\\x07"`, `"\\a"`), they
  are found by `control_characters` (the loader reports them as `control-character`);
- YAML 1.1 booleans such as `yes`, `no`, `on`, `off` stay text (only `true`/`false`
  are booleans), so `listed: yes` is reported by the schema instead of guessed;
  likewise YAML 1.1 octal (`017`) and base-60 (`1:30`) numbers stay as typed.

Dates and times stay text too: the schema checks their format and the model
parses them, so the same rule applies whether the YAML parser recognised them or not.

The result maps each JSON path (a tuple of keys and indexes) to `(line, column)`,
both 1-based, so every later error can point at the exact place.
"""

from __future__ import annotations

import bisect
import re
import sys
from array import array
from dataclasses import dataclass, field
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from badgegen.errors import CONTROL_CHARACTER_RE

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

_BOOL_WORDS = {"true": True, "false": False}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"
#: Scanner errors whose problem is found only at the start of the next line (or at
#: the end of the file): the context (the key or the opening quote) is where to look.
_CONTEXT_FIRST = {"while scanning a simple key", "while scanning a quoted scalar"}


@dataclass
class YamlProblem(Exception):
    """A file that cannot be read as plain YAML; `code` names the rule broken."""

    code: str
    position: Position
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """The plain data of one file plus where each value stands in it.

    The positions are kept compact (a few bytes each, for tens of thousands of files):
    `marks` holds 1-based (line, column) pairs in the order of a walk through `data`
    (packed by `_pack`, one to four bytes a number):
    each value's position, and within a mapping each key's position just before its
    value's. `positions` and `key_positions` are rebuilt from them when first asked for.
    `data` is as read: never change it (the positions are found by walking it).
    """

    data: Any
    marks: bytes
    _index: tuple[dict[JsonPath, Position], dict[JsonPath, Position]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def positions(self) -> dict[JsonPath, Position]:
        """Where each value starts, by JSON path."""
        return self._positions()[0]

    @property
    def key_positions(self) -> dict[JsonPath, Position]:
        """Where each mapping key stands, by the JSON path of its value."""
        return self._positions()[1]

    def _positions(self) -> tuple[dict[JsonPath, Position], dict[JsonPath, Position]]:
        if self._index is None:
            object.__setattr__(self, "_index", _index_marks(self.data, self.marks))
        assert self._index is not None
        return self._index

    def position_of(self, path: JsonPath) -> Position:
        """Where the value at `path` starts, or its nearest ancestor's."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found is not None:
                return found
        return (1, 1)

    def key_position_of(self, path: JsonPath) -> Position:
        """Where the key naming `path` stands (the line to add to or delete), else its value's."""
        found = self.key_positions.get(path)
        return found if found is not None else (self.position_of(path) if path else (1, 1))


def _index_marks(data: Any, marks: bytes) -> tuple[dict[JsonPath, Position], dict[JsonPath, Position]]:
    """The positions of every value and key, from the walk order that `marks` follows."""
    numbers = array(marks[:1].decode("ascii"))
    numbers.frombytes(marks[1:])
    positions: dict[JsonPath, Position] = {}
    keys: dict[JsonPath, Position] = {}
    next_mark = iter(zip(numbers[::2], numbers[1::2], strict=True)).__next__

    def walk(value: Any, path: JsonPath) -> None:
        positions[path] = next_mark()
        if isinstance(value, dict):
            for key, item in value.items():
                keys[(*path, key)] = next_mark()
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(data, ())
    return positions, keys


class _StrictComposer(yaml.SafeLoader):
    """A SafeLoader whose composer refuses anchors and aliases as it meets them."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = cast(yaml.Event, self.peek_event())  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem("yaml-alias", _pos(event.start_mark), {"name": f"*{event.anchor or ''}"})
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlProblem("yaml-alias", _pos(event.start_mark), {"name": f"&{anchor}"})
        return super().compose_node(parent, index)


def _pos(mark: Any) -> Position:
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def _text_pos(text: str, index: int) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return (text.count("\n", 0, index) + 1, index - line_start + 1)


def _show_tag(tag: str) -> str:
    """A tag as it is written in the file: `!!python/tuple`, not `tag:yaml.org,2002:python/tuple`."""
    return "!!" + tag.removeprefix(_STANDARD_TAG_PREFIX) if tag.startswith(_STANDARD_TAG_PREFIX) else tag


def decode_utf8(raw: bytes) -> str:
    """Decode `raw` as UTF-8 (a BOM is tolerated), or say where the first bad byte is."""
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Positions in the text after the BOM, in characters: the line is valid UTF-8
        # up to the bad byte.
        before = body[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        raise YamlProblem("yaml-encoding", (line, column)) from exc


def parse_yaml(text: str) -> YamlDocument:
    """Parse `text` (one YAML document) into data and positions, strictly.

    libyaml's C parser reads it when PyYAML has it (about twenty times faster). Its
    answer is kept only for a plain document, which the pure-Python parser would read
    the same way; anything it refuses or that needs a closer look (an anchor, an alias,
    a tag, a key given twice, a flow collection...) is read again by the pure-Python
    parser, whose result and messages are the reference (`parse_yaml_python`).
    """
    if LIBYAML:
        found = _parse_libyaml(text)
        if found is not None:
            return found
    return parse_yaml_python(text)


def parse_yaml_python(text: str) -> YamlDocument:
    """`parse_yaml` with PyYAML's pure-Python parser only: the reference for every result."""
    try:
        # The reader checks the whole text for control characters right here.
        loader = _StrictComposer(text)
    except yaml.reader.ReaderError as exc:
        raise YamlProblem(
            "yaml-syntax",
            _text_pos(text, exc.position),
            {"problem": f"unacceptable character #x{int(exc.character):04x}: {exc.reason}"},
        ) from exc
    try:
        node = loader.get_single_node()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if isinstance(exc, yaml.scanner.ScannerError) and exc.context in _CONTEXT_FIRST:
            mark = exc.context_mark or mark
        raise YamlProblem(
            "yaml-syntax", _pos(mark), {"problem": str(exc.problem or exc.context or "")}
        ) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem("yaml-syntax", (1, 1), {"problem": str(exc)}) from exc
    finally:
        loader.dispose()
    marks = array("I")
    if node is None:
        marks.extend((1, 1))
        return YamlDocument(None, _pack(marks))
    return YamlDocument(_to_python(node, marks), _pack(marks))


def _to_python(node: Node, marks: array[int]) -> Any:
    marks.extend(_pos(node.start_mark))
    if node.tag not in _PLAIN_TAGS:
        raise YamlProblem("yaml-tag", _pos(node.start_mark), {"tag": _show_tag(str(node.tag))})
    if isinstance(node, MappingNode):
        return _mapping(node, marks)
    if isinstance(node, SequenceNode):
        return [_to_python(item, marks) for item in node.value]
    assert isinstance(node, ScalarNode)
    return _scalar(str(node.tag), str(node.value))


def _mapping(node: MappingNode, marks: array[int]) -> Any:
    result: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlProblem("yaml-alias", _pos(key_node.start_mark), {"name": "<<"})
        if not isinstance(key_node, ScalarNode):
            raise YamlProblem("yaml-key", _pos(key_node.start_mark))
        if key_node.tag not in _PLAIN_TAGS:
            raise YamlProblem("yaml-tag", _pos(key_node.start_mark), {"tag": _show_tag(str(key_node.tag))})
        key = _short(str(key_node.value))
        if key in result:
            raise YamlProblem(
                "yaml-duplicate-key",
                _pos(key_node.start_mark),
                {"key": key, "first_line": str(key_lines[key])},
            )
        line, column = _pos(key_node.start_mark)
        key_lines[key] = line
        marks.extend((line, column))
        result[key] = _to_python(value_node, marks)
    return result


# --- the fast path: libyaml ---------------------------------------------------------------

#: Whether PyYAML was built with libyaml (its C parser); tests turn it off to compare.
LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))


#: A block scalar's header followed by a comment with no space (`|-#`): libyaml reads it,
#: PyYAML refuses it.
_ODD_HEADER = re.compile(r"[|>][-+0-9]*#")


class _NotPlain(Exception):
    """The document needs the pure-Python parser: its verdict, or its exact message."""


def _parse_libyaml(text: str) -> YamlDocument | None:
    """The document read by libyaml, or None when only the pure-Python parser may answer.

    None for anything out of the ordinary, whatever the reason: libyaml refusing the
    text (its messages differ from PyYAML's), an anchor or alias, a tag outside the
    plain ones, a key that is not plain text or is given twice, a merge key, a flow
    collection (`[a, b]`, `{a: 1}`: where the two parsers are known to disagree), a tab,
    a byte order mark, a comment glued to a block scalar's header, a text that does not
    end with a line break (libyaml places its end elsewhere), or the text being no
    single document. What is left is block YAML made of plain, quoted and block
    scalars, which both parsers read alike (a property test compares them).
    """
    if not text.endswith("\n") or "\t" in text or "\ufeff" in text or _ODD_HEADER.search(text):
        return None
    marks = array("I")
    try:
        parser = yaml.CSafeLoader(text)
    except Exception:  # any failure: the reference parser will say what is wrong
        return None
    try:
        if parser.yaml_path_resolvers:  # (none in PyYAML's safe loaders, unless added by hand)
            return None
        data = _read_events(parser.get_event, parser.peek_event, parser.resolve, marks.extend)
    except Exception:  # any failure: the reference parser will say what is wrong
        return None
    finally:
        parser.dispose()
    return YamlDocument(data, _pack(marks))


def _read_events(get_event: Any, peek_event: Any, resolve: Any, mark: Any) -> Any:
    """Data and marks from libyaml's events, refusing (`_NotPlain`) anything unusual."""
    if type(get_event()) is not yaml.StreamStartEvent:
        raise _NotPlain
    if type(peek_event()) is yaml.StreamEndEvent:
        get_event()
        mark((1, 1))
        return None
    if type(get_event()) is not yaml.DocumentStartEvent:
        raise _NotPlain
    data = _event_node((get_event, peek_event, resolve, mark))
    if type(get_event()) is not yaml.DocumentEndEvent or type(get_event()) is not yaml.StreamEndEvent:
        raise _NotPlain
    return data


_ScalarEvent, _MappingStart, _MappingEnd = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.MappingEndEvent
_SequenceStart, _SequenceEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent


def _event_node(reader: tuple[Any, Any, Any, Any]) -> Any:
    """One value (and all it holds) from the events; `reader` is the parser's functions.

    (A plain function, not a closure: a recursive closure is a reference cycle, and the
    garbage collector is paused while many files are read.)
    """
    get_event, peek_event, resolve, mark = reader
    event = get_event()
    kind = type(event)
    start = event.start_mark
    mark((start.line + 1, start.column + 1))
    if event.anchor is not None or getattr(event, "tag", None) is not None:
        raise _NotPlain  # (an alias has no tag)
    if kind is _ScalarEvent:
        value = event.value
        if event.implicit[0]:  # a plain scalar: a number, a boolean, null...
            tag = resolve(ScalarNode, value, event.implicit)
            if tag not in _PLAIN_TAGS:  # the merge key `<<`, alone
                raise _NotPlain
            if tag != "tag:yaml.org,2002:str":
                return _scalar(tag, value)
        # (a quoted or block scalar is text: what resolve says without a path resolver)
        return value if len(value) > 64 else sys.intern(value)
    if event.flow_style:
        raise _NotPlain
    if kind is _MappingStart:
        result: dict[str, Any] = {}
        plain_keys = _PLAIN_KEYS
        while True:
            event = get_event()
            kind = type(event)
            if kind is _MappingEnd:
                return result
            if kind is not _ScalarEvent or event.anchor is not None or event.tag is not None:
                raise _NotPlain
            key = event.value
            if len(key) <= 64:
                key = sys.intern(key)
                plain = plain_keys.get(key)
                if plain is None:
                    plain = resolve(ScalarNode, key, event.implicit) in _PLAIN_TAGS
                    if event.implicit == (True, False) and len(plain_keys) < 4096:
                        plain_keys[key] = plain
            else:
                plain = resolve(ScalarNode, key, event.implicit) in _PLAIN_TAGS
            if not plain or key in result:  # the merge key `<<`, or a key given twice
                raise _NotPlain
            start = event.start_mark
            mark((start.line + 1, start.column + 1))
            result[key] = _event_node(reader)
    if kind is _SequenceStart:
        items = []
        while type(peek_event()) is not _SequenceEnd:
            items.append(_event_node(reader))
        get_event()
        return items
    raise _NotPlain  # an alias, or an event out of place


#: Plain keys already met, and whether their tag is a plain one (not `<<` or `=`).
_PLAIN_KEYS: dict[str, bool] = {}


def _pack(marks: array[int]) -> bytes:
    """`marks` in as few bytes as they fit: a type code ("B", "H" or "I"), then the numbers."""
    top = max(marks, default=0)
    code = "B" if top < 0x100 else "H" if top < 0x10000 else "I"
    return code.encode() + (marks if code == "I" else array(code, marks)).tobytes()


# --- values -------------------------------------------------------------------------------

#: Reads numbers exactly as PyYAML's SafeLoader does (it keeps no state between calls).
_NUMBERS = yaml.constructor.SafeConstructor()


def _short(text: str) -> str:
    """One copy of each short text: keys, dates, slugs... repeat in every file (tens of thousands)."""
    return sys.intern(text) if len(text) <= 64 else text


def _scalar(tag: str, value: str) -> Any:
    if tag == "tag:yaml.org,2002:bool":
        return _BOOL_WORDS.get(value.lower(), value)
    if tag == "tag:yaml.org,2002:null":
        return None
    if _surprising_number(tag, value):
        return _short(value)
    try:
        if tag == "tag:yaml.org,2002:int":
            return _NUMBERS.construct_yaml_int(ScalarNode(tag, value))
        if tag == "tag:yaml.org,2002:float":
            return _NUMBERS.construct_yaml_float(ScalarNode(tag, value))
    except ValueError:
        # `0x_` or `0b_` look like numbers to YAML's resolver but are not: keep the text.
        pass
    return _short(value)


def _surprising_number(tag: str, text: str) -> bool:
    """YAML 1.1 reads `017` as 15 (octal) and `1:30` as 90 (base 60): keep what was typed."""
    if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return False
    digits = text.lstrip("+-")
    leading_zero = len(digits) > 1 and digits[0] == "0" and digits[1].isdigit()
    return ":" in text or leading_zero


# --- control characters written as escapes -----------------------------------------------


@dataclass(frozen=True, slots=True)
class ControlCharacter:
    """A control character in a text of the document (`badgegen.errors.CONTROL_CHARACTER_RE`)."""

    #: The JSON path of the value holding it, or of the key when `in_key`.
    path: JsonPath
    in_key: bool
    char: str
    #: Where it is written: the escape's backslash, else (not found) the value's start.
    position: Position
    #: The escape as written (`\\x07`, `\\a`...), or "" when not found.
    written: str


#: Any YAML line break, as the parsers count lines (a CR LF pair is one).
_LINE_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def control_characters(document: YamlDocument, text: str) -> list[ControlCharacter]:
    """The control characters of every text (value or key) of `document`, read from `text`.

    The reader refuses them written as they are, so they come from the escapes of
    double-quoted texts (`\\x07`, `\\u0007`, `\\a`, `\\e`, `\\N`...): each is located at its
    backslash, one finding per escape. A text that has one but no such escape found (which
    should not happen) gives one finding at the value's start.
    """
    if "\\" not in text and CONTROL_CHARACTER_RE.search(text) is None:
        return []  # (a raw line break NEL reads as a line feed: it never reaches the data)
    holding: list[tuple[JsonPath, bool, str]] = []
    _collect(document.data, (), holding)
    if not holding:
        return []
    starts = [0] + [match.end() for match in _LINE_BREAK_RE.finditer(text)]
    found: list[ControlCharacter] = []
    for path, in_key, first in holding:
        start = document.key_position_of(path) if in_key else document.position_of(path)
        escapes = _control_escapes(text, starts, start)
        if escapes:
            found += [
                ControlCharacter(path, in_key, char, where, written) for char, where, written in escapes
            ]
        else:
            found.append(ControlCharacter(path, in_key, first, start, ""))
    return found


def _collect(value: Any, path: JsonPath, holding: list[tuple[JsonPath, bool, str]]) -> None:
    """(path, in a key?, first control character) of every text of `value` holding one, in order."""
    if isinstance(value, str):
        found = CONTROL_CHARACTER_RE.search(value)
        if found:
            holding.append((path, False, found.group()))
    elif isinstance(value, dict):
        for key, item in value.items():
            found = CONTROL_CHARACTER_RE.search(key) if isinstance(key, str) else None
            if found:
                holding.append(((*path, key), True, found.group()))
            _collect(item, (*path, key), holding)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect(item, (*path, index), holding)


_ESCAPES: dict[str, str] = yaml.scanner.Scanner.ESCAPE_REPLACEMENTS
_ESCAPE_CODES: dict[str, int] = yaml.scanner.Scanner.ESCAPE_CODES


def _control_escapes(text: str, starts: list[int], start: Position) -> list[tuple[str, Position, str]]:
    """(character, position, escape as written) of each escape of the double-quoted text
    starting at `start` that makes a control character; [] if no double-quoted text starts there."""
    line, column = start
    if not 1 <= line <= len(starts):
        return []
    index = starts[line - 1] + column - 1
    if index >= len(text) or text[index] != '"':
        return []
    found = []
    index += 1
    while index < len(text):
        char = text[index]
        if char == '"':
            break
        if char != "\\" or index + 1 >= len(text):
            index += 1
            continue
        code = text[index + 1]
        width = 2 + _ESCAPE_CODES.get(code, 0)
        written = text[index : index + width]
        if code in _ESCAPE_CODES:
            try:
                made = chr(int(written[2:], 16))
            except ValueError:  # (not an escape the parser would have accepted)
                break
        else:
            made = _ESCAPES.get(code, "")
        if CONTROL_CHARACTER_RE.match(made):
            found.append((made, _offset_position(starts, index), written))
        index += width
    return found


def _offset_position(starts: list[int], index: int) -> Position:
    line = bisect.bisect_right(starts, index)
    return (line, index - starts[line - 1] + 1)
