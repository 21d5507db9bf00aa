"""Sweeps on a Dask cluster give the report one process gives (needs the dask extra:
`pip install -e '.[dask]'`; skipped without it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

import pytest

import negotiate
import negotiate.sim.cluster
from negotiate.cli import main
from negotiate.content import Content
from negotiate.sim import simulate

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two one-thread worker processes and a scheduler, on this machine's loopback only."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    ) as local:
        yield local


def test_a_sweep_on_a_dask_cluster_gives_the_same_report(content: Content, cluster: Any) -> None:
    done: list[int] = []
    with distributed.Client(cluster) as client:
        on_cluster = simulate(
            content, "classroom", 8, 5, jobs=2, executor=client.get_executor(pure=False), on_progress=done.append
        )
    assert [r.seed for r in on_cluster.results] == list(range(5, 13))
    assert on_cluster.summary() == simulate(content, "classroom", 8, 5, jobs=1).summary()
    assert sum(done) == 8


def test_dask_on_the_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cluster: Any
) -> None:
    used: list[int] = []
    real = negotiate.sim.cluster.dask_executor

    @contextmanager
    def counted(address: str) -> Iterator[tuple[Executor, int]]:
        """The real cluster executor, counting the chunks it is given."""
        with real(address) as (executor, threads):
            submit = executor.submit
            monkeypatch.setattr(executor, "submit", lambda *args: used.append(threads) or submit(*args))
            yield executor, threads

    monkeypatch.setattr(negotiate.sim.cluster, "dask_executor", counted)
    reports = []
    for spread in (["--dask", cluster.scheduler_address], ["--jobs", "1"]):
        code = main(["simulate", "--scenario", "classroom", "--games", "4", "--seed", "3", "--json", *spread])
        out, err = capsys.readouterr()
        assert code == 0, err
        reports.append(json.loads(out))
    assert reports[0] == reports[1]
    assert used and set(used) == {2}, "the games were played on the cluster's two worker threads"


def test_a_scheduler_out_of_reach_is_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cluster: Any
) -> None:
    monkeypatch.setattr(negotiate.sim.cluster, "CONNECT_SECONDS", 0.5)
    address = cluster.scheduler_address.rsplit(":", 1)[0] + ":1"  # nothing listens on port 1
    code = main(["simulate", "--scenario", "classroom", "--games", "2", "--dask", address])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.startswith(f"negotiate: cannot reach the Dask scheduler at {address}") and err.count("\n") == 1, err


def test_workers_of_another_version_are_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cluster: Any
) -> None:
    theirs = negotiate.__version__
    monkeypatch.setattr(negotiate, "__version__", "9.9")  # here only: the workers keep theirs
    code = main(["simulate", "--scenario", "classroom", "--games", "2", "--dask", cluster.scheduler_address])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert (
        err == f"negotiate: the Dask workers run negotiate {theirs}, not 9.9 as here: install negotiate 9.9 on them\n"
    )
