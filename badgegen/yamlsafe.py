"""Read one YAML file strictly, keeping the position of every value.

Why not `yaml.safe_load`: coordinators edit these files by hand, and YAML has
surprises that silently change meaning. Here they are errors instead:

- a key given twice (the second would silently win);
- anchors, aliases and merge keys (`&a`, `*a`, `<<`): spooky action at a distance;
- explicit tags (`!!python/...`, `!foo`);
- bytes that are not UTF-8;
- YAML 1.1 booleans such as `yes`, `no`, `on`, `off` stay text (only `true`/`false`
  are booleans), so `listed: yes` is reported by the schema instead of guessed;
  likewise YAML 1.1 octal (`017`) and base-60 (`1:30`) numbers stay as typed.

Dates and times stay text too: the schema checks their format and the model
parses them, so the same rule applies whether the YAML parser recognised them or not.

The result maps each JSON path (a tuple of keys and indexes) to `(line, column)`,
both 1-based, so every later error can point at the exact place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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


@dataclass(frozen=True)
class YamlDocument:
    """The plain data of one file plus where each value stands in it."""

    data: Any
    positions: dict[JsonPath, Position]
    key_positions: dict[JsonPath, Position] = field(default_factory=dict)

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
    """Parse `text` (one YAML document) into data and positions, strictly."""
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
    positions: dict[JsonPath, Position] = {}
    key_positions: dict[JsonPath, Position] = {}
    if node is None:
        return YamlDocument(None, {(): (1, 1)})
    return YamlDocument(_to_python(node, (), positions, key_positions), positions, key_positions)


def _to_python(
    node: Node, path: JsonPath, positions: dict[JsonPath, Position], keys: dict[JsonPath, Position]
) -> Any:
    positions[path] = _pos(node.start_mark)
    if node.tag not in _PLAIN_TAGS:
        raise YamlProblem("yaml-tag", _pos(node.start_mark), {"tag": _show_tag(str(node.tag))})
    if isinstance(node, MappingNode):
        return _mapping(node, path, positions, keys)
    if isinstance(node, SequenceNode):
        return [_to_python(item, (*path, i), positions, keys) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return _scalar(node)


def _mapping(
    node: MappingNode, path: JsonPath, positions: dict[JsonPath, Position], keys: dict[JsonPath, Position]
) -> Any:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlProblem("yaml-alias", _pos(key_node.start_mark), {"name": "<<"})
        if not isinstance(key_node, ScalarNode):
            raise YamlProblem("yaml-key", _pos(key_node.start_mark))
        if key_node.tag not in _PLAIN_TAGS:
            raise YamlProblem("yaml-tag", _pos(key_node.start_mark), {"tag": _show_tag(str(key_node.tag))})
        key = str(key_node.value)
        if key in result:
            first = keys[(*path, key)]
            raise YamlProblem(
                "yaml-duplicate-key",
                _pos(key_node.start_mark),
                {"key": key, "first_line": str(first[0])},
            )
        keys[(*path, key)] = _pos(key_node.start_mark)
        result[key] = _to_python(value_node, (*path, key), positions, keys)
    return result


def _scalar(node: ScalarNode) -> Any:
    value = str(node.value)
    if node.tag == "tag:yaml.org,2002:bool":
        return _BOOL_WORDS.get(value.lower(), value)
    if node.tag == "tag:yaml.org,2002:null":
        return None
    if _surprising_number(node.tag, value):
        return value
    try:
        if node.tag == "tag:yaml.org,2002:int":
            return yaml.SafeLoader.construct_yaml_int(yaml.SafeLoader(""), node)
        if node.tag == "tag:yaml.org,2002:float":
            return yaml.SafeLoader.construct_yaml_float(yaml.SafeLoader(""), node)
    except ValueError:
        # `0x_` or `0b_` look like numbers to YAML's resolver but are not: keep the text.
        pass
    return value


def _surprising_number(tag: str, text: str) -> bool:
    """YAML 1.1 reads `017` as 15 (octal) and `1:30` as 90 (base 60): keep what was typed."""
    if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return False
    digits = text.lstrip("+-")
    leading_zero = len(digits) > 1 and digits[0] == "0" and digits[1].isdigit()
    return ":" in text or leading_zero
