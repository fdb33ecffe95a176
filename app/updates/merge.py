"""Three-way merge of a draft: what the person started from (base), what they typed (mine) and what is
stored now (theirs). Changes on one side only are taken; a field both sides changed differently is a
conflict the person must decide, seeing both texts. Nothing is dropped silently."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Merge:
    values: dict[str, str]
    # Fields both sides changed to different values: {field: (mine, theirs)}.
    conflicts: dict[str, tuple[str, str]]
    # Fields only the other person changed, now taken into the merged values.
    taken_from_theirs: tuple[str, ...]


def three_way(base: dict[str, str], mine: dict[str, str], theirs: dict[str, str]) -> Merge:
    values, conflicts, taken = {}, {}, []
    for field, t in theirs.items():
        # Missing from mine: the person did not touch it. Missing from base: we cannot tell what they
        # started from, so any difference from the stored value is theirs to decide.
        b = base.get(field)
        m = mine.get(field, t if b is None else b)
        if m == t or m == b:
            values[field] = t
            if m == b and t != b:
                taken.append(field)
        elif t == b:
            values[field] = m
        else:
            values[field] = m
            conflicts[field] = (m, t)
    return Merge(values, conflicts, tuple(taken))
