"""A cache of checked content, so a game starts fast. The key is the digest of the content's
texts and of the code that reads them, so any edit is read afresh; only content that passed
every check is ever cached. A cache that cannot be read or written is simply not used."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from platformdirs import user_cache_dir

T = TypeVar("T")
CODE = ("schema.py", "reader.py", "loader.py", "check.py", "__init__.py")


def folder() -> Path:
    """$NEGOTIATE_CACHE if set, else the platform's cache folder."""
    chosen = os.environ.get("NEGOTIATE_CACHE")
    return Path(chosen) if chosen else Path(user_cache_dir("negotiate", appauthor=False))


def digest(sources: Mapping[str, str]) -> str:
    """A digest of content texts by their paths (names and texts, in the order of the paths):
    the same for the same content wherever it lies."""
    hashed = hashlib.sha256()
    for rel, text in sorted(sources.items()):
        for part in (rel.encode(), text.encode()):
            hashed.update(b"%d:" % len(part))
            hashed.update(part)
    return hashed.hexdigest()[:32]


def cached(content_digest: str, load: Callable[[], T]) -> T:
    """What `load` gives for the content of this digest, from the cache if it holds it; else
    loaded and kept."""
    try:
        code = hashlib.sha256(content_digest.encode())
        for name in CODE:
            code.update((Path(__file__).parent / name).read_bytes())
        path = folder() / f"content-{code.hexdigest()[:32]}.pickle"
    except OSError:
        return load()
    try:
        return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    value = load()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value))
        tmp.replace(path)
    except (OSError, pickle.PicklingError):
        pass
    return value
