"""The memo of what each content file says, kept between builds as a base and a small delta.

The memo (`load.memo_key` → what a file says, its privacy verdict, and its digest by
status) holds an entry for every file: tens of megabytes at 50 000 awards. Saving it
whole after a build where one award changed cost more than reading that award. Like a
log-structured store, a build adds what it learnt to a small *delta* part, and rewrites
the *base* only when the delta has grown, or when the base holds too many entries that
no file uses any more (old versions of changed files): at most `SLACK` of either.

Entries are keyed by digests of what they were computed from, so an entry is never
wrong, only unused: loading a delta left beside an older base (a build killed between
the two writes) is harmless.
"""

from __future__ import annotations

from typing import Any

from badgegen.cache import BuildCache, UsedMemo

BASE, DELTA = "parsed", "parsed-new"
#: The delta is merged into the base, and unused entries dropped, beyond this share of the
#: entries in use.
SLACK = 0.1
_MISSING = object()


class LayeredMemo(UsedMemo):
    """A `UsedMemo` read from a base and a delta, which knows what this run added.

    A key this run added is in `added` only, not also among the keys it used: in a first
    build every entry is new (165 000 at 50 000 awards), and a second set of them all was
    8 MB at its highest memory. Used are the keys of `_used` and of `added` (apart)."""

    def __init__(self, base: dict[str, Any], delta: dict[str, Any]) -> None:
        self.base_size = len(base)
        self.delta_keys = set(delta)
        base.update(delta)
        super().__init__(base)
        self.added: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        """`Mapping.get` without raising and catching a `KeyError` for every unknown key."""
        value = self._entries.get(key, _MISSING)
        if value is _MISSING:
            return default
        if key not in self.added:
            self._used.add(key)
        return value

    def __getitem__(self, key: str) -> Any:
        value = self._entries[key]
        if key not in self.added:
            self._used.add(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self.added or key not in self._entries:
            self.added.add(key)
            self._entries[key] = value
            return
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.added.discard(key)

    def used(self) -> dict[str, Any]:
        """The entries read or written by this run (the memo's own dict when that is all), in
        the memo's order: the order in which the files were first read.

        Not in the order of the set of used keys (random): the base is pickled in parts, and
        a part shares each repeated short text (keys, slugs, dates: interned as they are
        parsed, `yamlsafe`) as one object, which loads as one object. Entries from every part
        mixed together kept a copy of each text per part of origin: at 50 000 awards, a base
        rewritten that way once took 146 MB to load instead of 129, and the memory it left
        behind raised the highest memory of the next builds (323 → 336 MB; a base found after
        a dozen builds took 183 MB, and the builds 367–372 MB)."""
        if len(self._used) + len(self.added) == len(self._entries):
            return self._entries
        used, added = self._used, self.added
        return {key: value for key, value in self._entries.items() if key in used or key in added}


def load_memo(cache: BuildCache) -> LayeredMemo:
    """The memo the last builds left (empty when there is none, or it is another code's)."""
    return LayeredMemo(cache.load(BASE) or {}, cache.load(DELTA) or {})


def save_memo(cache: BuildCache, memo: LayeredMemo) -> None:
    """Keep what this run used: in the delta when it stays small, else as a new base."""
    used = memo.used()
    # The keys the delta would hold, counted without a set of them: a first build adds every
    # entry (165 000 at 50 000 awards), and two sets of them were 16 MB at its highest memory.
    in_delta = sum(1 for key in memo.added if key in used)
    in_delta += sum(1 for key in memo.delta_keys if key in used and key not in memo.added)
    unused = memo.base_size + len(memo.delta_keys) - (len(used) - len(memo.added))
    if in_delta > SLACK * len(used) or unused > SLACK * len(used):
        cache.save(BASE, used)
        cache.save(DELTA, {})
        return
    delta_keys = (memo.delta_keys | memo.added) & used.keys()  # (small: within SLACK)
    if memo.added or delta_keys != memo.delta_keys:
        cache.save(DELTA, {key: used[key] for key in delta_keys})
