"""Shortcuts of badgegen.render give what the general code gives.

`_relative_link` computes a page's links by string arithmetic when both paths are clean
(every published path is); `_relative_link_reference` (posixpath.relpath) is the reference,
and still answers for any other path.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from badgegen.render import _relative_link, _relative_link_reference

PART = st.sampled_from(["a", "b", "en", "assertions", "x.json", "é", ".", "..", ""])
PATHS = st.lists(PART, max_size=5).map("/".join) | st.lists(PART, max_size=5).map(lambda p: "/".join(p) + "/")


@settings(max_examples=3000, deadline=None)
@given(PATHS, PATHS)
@example("assertions/abc/", "assertions/abc.json")
@example("en/assertions/abc/", "")
@example("badges/x/", "badges/")
@example("", "/")
@example("/", "a/")
def test_links_are_those_posixpath_relpath_gives(page_path: str, target: str) -> None:
    assert _relative_link(page_path, target) == _relative_link_reference(page_path, target)
