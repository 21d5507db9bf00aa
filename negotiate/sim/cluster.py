"""Sweeps on a Dask cluster: an executor whose workers play the games (the `dask` extra).

The workers need negotiate installed, at the same version as here, to give the same report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

import negotiate

INSTALL = "pip install 'negotiate[dask]' (or, in a checkout, pip install -e '.[dask]')"
ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s/]+:\d{1,5}$")
CONNECT_SECONDS = 10
"""How long to try to reach the scheduler before giving up."""


class ClusterError(Exception):
    """The Dask cluster cannot be used; the message says why, in one line."""


def check_address(address: str) -> str:
    """A scheduler address such as tcp://host:8786, or ValueError."""
    if not ADDRESS.match(address):
        raise ValueError(f"expected a Dask scheduler address such as tcp://127.0.0.1:8786, not {address!r}")
    return address


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """An executor on the Dask cluster whose scheduler is at `address`, and how many games its
    workers play at once (their threads). The connection closes on leaving."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(f"--dask needs Dask's distributed package: {INSTALL}") from None
    try:
        client = Client(check_address(address), timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        threads = sum(client.nthreads().values())
        if not threads:
            raise ClusterError(f"the Dask scheduler at {address} has no workers")
        _check_workers(client)
        yield client.get_executor(pure=False), threads


def _check_workers(client: Any) -> None:
    """The workers must run this version of negotiate, to play the games as here."""
    here = negotiate.__version__
    try:
        versions = set(client.run(_version).values())
    except Exception as exc:
        raise ClusterError(f"the Dask workers cannot run negotiate ({exc}): install negotiate {here} on them") from None
    if versions != {here}:
        raise ClusterError(
            f"the Dask workers run negotiate {', '.join(sorted(versions))}, "
            f"not {here} as here: install negotiate {here} on them"
        )


def _version() -> str:
    """The version of negotiate where this runs (on a worker)."""
    return negotiate.__version__
