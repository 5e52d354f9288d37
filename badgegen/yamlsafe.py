"""Read one YAML file strictly, keeping the position of every value.

Why not `yaml.safe_load`: coordinators edit these files by hand, and YAML has
surprises that silently change meaning. Here they are errors instead:

- a key given twice (the second would silently win);
- anchors, aliases and merge keys (`&a`, `*a`, `<<`): spooky action at a distance;
- explicit tags (`!!python/...`, `!foo`);
- bytes that are not UTF-8;
- YAML 1.1 booleans such as `yes`, `no`, `on`, `off` stay text (only `true`/`false`
  are booleans), so `listed: yes` is reported by the schema instead of guessed.

Dates and times stay text too: the schema checks their format and the model
parses them, so the same rule applies whether the YAML parser recognised them or not.

The result maps each JSON path (a tuple of keys and indexes) to `(line, column)`,
both 1-based, so every later error can point at the exact place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    def compose_node(self, parent: Node | None, index: object) -> Node | None:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem("yaml-alias", _pos(event.start_mark), {"name": event.anchor or ""})
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlProblem("yaml-alias", _pos(event.start_mark), {"name": anchor})
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


def _pos(mark: yaml.Mark | None) -> Position:
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def decode_utf8(raw: bytes) -> str:
    """Decode `raw` as UTF-8 (a BOM is tolerated), or say where the first bad byte is."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem("yaml-encoding", (line, column)) from exc


def parse_yaml(text: str) -> YamlDocument:
    """Parse `text` (one YAML document) into data and positions, strictly."""
    loader = _StrictComposer(text)
    try:
        node = loader.get_single_node()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
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
        raise YamlProblem("yaml-tag", _pos(node.start_mark), {"tag": str(node.tag)})
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
    if node.tag == "tag:yaml.org,2002:int":
        return yaml.SafeLoader.construct_yaml_int(yaml.SafeLoader(""), node)
    if node.tag == "tag:yaml.org,2002:float":
        return yaml.SafeLoader.construct_yaml_float(yaml.SafeLoader(""), node)
    return value
