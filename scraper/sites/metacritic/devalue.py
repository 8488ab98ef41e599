"""Decoding Nuxt's payload (`__NUXT_DATA__`), which is serialised with "devalue": one flat JSON
array where index 0 is the root, objects and arrays hold indices into the array, and a list
that starts with a string is a typed value (["Reactive", i], ["Date", "..."], ["Set", ...]).
Regular expressions over the raw text would take indices for numbers; this rebuilds the tree.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

# Negative indices stand for values JSON cannot hold.
_SPECIAL = {-1: None, -2: None, -3: float("nan"), -4: float("inf"), -5: float("-inf"), -6: -0.0}
_WRAPPERS = {"Reactive", "ShallowReactive", "Ref", "ShallowRef", "EmptyRef", "EmptyShallowRef"}


def unflatten(values: object) -> object:
    """The value the payload encodes. Raises ValueError for what is not a devalue payload."""
    if not isinstance(values, list) or not values:
        raise ValueError("a devalue payload is a non-empty JSON array")
    done: dict[int, object] = {}

    def hydrate(index: object) -> object:
        if not isinstance(index, int) or isinstance(index, bool):
            raise ValueError(f"{index!r} is not an index")
        if index < 0:
            return _SPECIAL.get(index)
        if index in done:
            return done[index]
        if index >= len(values):
            raise ValueError(f"index {index} is past the end of the payload")
        value = values[index]
        if isinstance(value, dict):
            mapping: dict[str, object] = {}
            done[index] = mapping
            for key, child in value.items():
                mapping[key] = hydrate(child)
            return mapping
        if isinstance(value, list):
            if value and isinstance(value[0], str):
                done[index] = result = _typed(value, hydrate)
                return result
            items: list[object] = []
            done[index] = items  # set before the children, so cycles resolve
            items.extend(hydrate(child) for child in value)
            return items
        return value

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        return hydrate(0)
    finally:
        sys.setrecursionlimit(limit)


def _typed(value: list[object], hydrate: Callable[[object], object]) -> object:
    tag, args = value[0], value[1:]
    if tag in _WRAPPERS:
        return hydrate(args[0]) if args else None
    if tag in ("Date", "RegExp", "URL"):
        return args[0] if args else None
    if tag == "BigInt":
        return int(str(args[0]))
    if tag == "Set":
        return [hydrate(i) for i in args]
    if tag == "Map":
        return {str(hydrate(k)): hydrate(v) for k, v in zip(args[::2], args[1::2], strict=True)}
    if tag == "null":  # an object without a prototype: key, value, key, value...
        return {str(k): hydrate(v) for k, v in zip(args[::2], args[1::2], strict=True)}
    raise ValueError(f"unknown devalue type {tag!r}")
