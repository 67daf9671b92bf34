"""Reading the YAML files users write (questionnaires, projects, scorecards) with clear errors.

Safe loading only (no Python objects). Two limits keep a hostile file from exhausting memory
or time: aliases may not expand the document beyond :data:`MAX_EXPANDED_NODES` nodes (the
"billion laughs" file: nine aliases of nine aliases of ... is 81 aliases but 10^9 nodes for
whatever reads it), and nesting deeper than Python's recursion allows is an error too. A
document without anchors has no aliases, so its size is that of the file and is not counted.

libyaml's C parser reads the events (about 6x faster than PyYAML's pure-Python scanner)
while PyYAML's Python composer builds the nodes: libyaml's own composer neither calls
:meth:`_BoundedLoader.compose_document` (where the alias limit is checked) nor stops at a
deep nesting (it overflows the C stack, 100 000 brackets crash the interpreter), and the
Python composer raises RecursionError there instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from surveyq.errors import InputError
from surveyq.files import read_bytes
from surveyq.messages import msg

#: Nodes a document may hold once its aliases are expanded, a long text counting one per 100
#: characters (a questionnaire has a few thousand; 200 000 is about 20 MB of text).
MAX_EXPANDED_NODES = 200_000


_MERGE_TAG = "tag:yaml.org,2002:merge"


class _AliasTooLarge(Exception):
    pass


class _Anchors(dict):
    """The composer's anchors, remembering whether the document defined any (an alias
    refers to one), so that an alias-free document is not walked again for its size."""

    defined = False

    def __setitem__(self, key: str, value: yaml.Node) -> None:
        self.defined = True
        super().__setitem__(key, value)


try:
    from yaml._yaml import CParser as _Parser  # libyaml, when PyYAML was built with it
except ImportError:  # pragma: no cover - a PyYAML without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


class _BoundedLoader(Composer, _Parser, SafeConstructor, Resolver):
    """A safe loader (SafeLoader's constructor and resolver, no Python objects) that refuses
    documents whose aliases expand beyond the limit and keys given twice in a mapping."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def compose_document(self) -> Any:
        anchors = self.anchors = _Anchors()
        node = super().compose_document()  # which sets self.anchors to a plain dict again
        if anchors.defined:  # without an anchor there is no alias, and nothing to expand
            _expanded_size(node)
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        # PyYAML keeps the last of two equal keys: a second survey pasted under the same
        # name would silently replace the first. Keys merged in with << may be overridden.
        first: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            if key_node.value in first:
                raise yaml.constructor.ConstructorError(
                    None, None,
                    msg("error.yaml_key_twice", key=repr(key_node.value),
                        line=first[key_node.value].line + 1),
                    key_node.start_mark)
            first[key_node.value] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def _expanded_size(root: yaml.Node) -> int:
    """Nodes of ``root`` with every alias expanded (memoised, so linear in the file)."""
    sizes: dict[int, int] = {}
    path: set[int] = set()   # the nodes being expanded: an alias to one of them is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            path.discard(id(node))
            size = _own_size(node) + sum(sizes[id(child)] for child in _children(node))
            if size > MAX_EXPANDED_NODES:
                raise _AliasTooLarge(msg("error.yaml_aliases_expand", limit=MAX_EXPANDED_NODES))
            sizes[id(node)] = size
            continue
        if id(node) in sizes:
            continue
        if id(node) in path:
            raise _AliasTooLarge(msg("error.yaml_alias_loop"))
        path.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


def _own_size(node: yaml.Node) -> int:
    """One per node, plus one per 100 characters of text (a long string aliased many times)."""
    return 1 + (len(node.value) // 100 if isinstance(node, yaml.ScalarNode) else 0)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_yaml(path: str | Path, what: str = "file") -> Any:
    """Parse a UTF-8 YAML file; a missing, unreadable or special file, bad encoding or bad
    YAML is an InputError.

    ``what`` names the kind of file in the message ("project file not found: ...").
    YAML syntax errors carry the line and column where the parser stopped.
    """
    file = Path(path)
    data = read_bytes(file, what)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(msg("error.yaml_not_utf8", byte=error.start), str(path)) from None
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except _AliasTooLarge as error:
        raise InputError(msg("error.yaml_aliases", reason=error.args[0]), str(path)) from None
    except RecursionError:
        raise InputError(msg("error.yaml_too_deep"), str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = msg("error.where_line_column", line=mark.line + 1, column=mark.column + 1) \
            if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        if "'\\t'" in str(problem) or _tab_at(text, mark):  # the commonest slip: a tab
            # where YAML wants spaces (libyaml's message does not name the character)
            problem = msg("error.yaml_tab")
        raise InputError(msg("error.yaml_invalid", problem=problem), str(path), where) from None


def _tab_at(text: str, mark: Any) -> bool:
    """Whether the parser stopped at a tab (``mark`` is the error's position, or None)."""
    if mark is None:
        return False
    lines = text.splitlines()
    line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
    return line[mark.column:mark.column + 1] == "\t"
