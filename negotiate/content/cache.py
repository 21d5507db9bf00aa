"""A cache of checked content, so a game starts fast: reading YAML with line numbers takes most
of a second. The key is a digest of every content file's bytes and of the code that reads
them, so any edit is read afresh; only content that passed every check is ever cached. A cache
that cannot be read or written is simply not used."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from platformdirs import user_cache_dir

T = TypeVar("T")
CODE = ("schema.py", "loader.py", "check.py", "__init__.py")


def folder() -> Path:
    """$NEGOTIATE_CACHE if set, else the platform's cache folder."""
    chosen = os.environ.get("NEGOTIATE_CACHE")
    return Path(chosen) if chosen else Path(user_cache_dir("negotiate", appauthor=False))


def key(root: Path, subfolders: tuple[str, ...]) -> str:
    """A digest of the content files (names and bytes), where they are, and the loader's code."""
    digest = hashlib.sha256(str(root.resolve()).encode())
    for name in CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    for sub in subfolders:
        for path in sorted((root / sub).glob("*.y*ml")):
            digest.update(f"{sub}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cached(root: Path, subfolders: tuple[str, ...], load: Callable[[], T]) -> T:
    """What `load` gives for this content, from the cache if it holds it; else loaded and kept."""
    try:
        path = folder() / f"content-{key(root, subfolders)}.pickle"
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
