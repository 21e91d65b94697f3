"""flows/runners.py: threads below the row threshold, Dask from it on, the cluster closed with the flow."""

import pytest

from flows import runners


class FakeDask:
    """Stands in for prefect-dask's runner: records being started, used and closed."""

    def __init__(self, log: list):
        self.log = log

    def __enter__(self):
        self.log.append("cluster started")
        return self

    def __exit__(self, *exc_info):
        self.log.append("cluster closed")

    def submit(self, task, parameters, wait_for=None, dependencies=None):
        self.log.append(f"dask ran {parameters['n']}")


@pytest.fixture
def log(monkeypatch) -> list:
    events: list = []
    monkeypatch.setattr(runners, "dask_runner", lambda address=None, workers=None: FakeDask(events))
    monkeypatch.setattr(runners.ThreadPoolTaskRunner, "submit",
                        lambda self, task, parameters, wait_for=None, dependencies=None: events.append(
                            f"threads ran {parameters['n']}"))
    return events


@pytest.mark.parametrize(("rows", "chosen", "expected"), [
    ([0], ["threads"], ["threads ran 1"]),
    ([999], ["threads"], ["threads ran 1"]),
    ([1000], ["dask"], ["cluster started", "dask ran 1", "cluster closed"]),
    ([5_000_000], ["dask"], ["cluster started", "dask ran 1", "cluster closed"]),
    ([10, 2000, 10], ["threads", "dask", "threads"], ["threads ran 1", "cluster started", "dask ran 2", "threads ran 3",
                                                      "cluster closed"]),
    ([2000, 3000], ["dask", "dask"], ["cluster started", "dask ran 1", "dask ran 2", "cluster closed"]),
])
def test_the_drop_size_chooses_threads_or_one_dask_cluster(log, rows, chosen, expected):
    with runners.DropSizeTaskRunner(dask_min_rows=1000) as runner:
        said = []
        for n, count in enumerate(rows, start=1):
            said.append(runner.expect_rows(count))
            runner.submit(None, {"n": n})
    assert said == chosen and log == expected


def test_the_threshold_is_a_setting(log, monkeypatch):
    from screening.settings import get_settings

    monkeypatch.setenv("REGSCREEN_DASK_MIN_ROWS", "50")
    get_settings.cache_clear()
    try:
        with runners.DropSizeTaskRunner() as runner:
            assert [runner.expect_rows(49), runner.expect_rows(50)] == ["threads", "dask"]
    finally:
        get_settings.cache_clear()
    assert type(get_settings()).model_fields["dask_min_rows"].default == 200_000  # the README's default


def test_the_cluster_is_closed_when_the_flow_fails(log):
    with pytest.raises(RuntimeError):
        with runners.DropSizeTaskRunner(dask_min_rows=1) as runner:
            runner.expect_rows(1)
            raise RuntimeError("a task failed")
    assert log == ["cluster started", "cluster closed"]


@pytest.mark.parametrize(("kind", "name"), [("threads", "threadpool"), ("dask", "dask"), ("auto", "dropsize")])
def test_runner_named_by_the_option(kind, name):
    assert runners.task_runner(kind).name == name


def test_expect_rows_outside_a_flow_says_threads():
    assert runners.expect_rows(10**9) == "threads"


@pytest.mark.parametrize(("address", "other_machine"), [
    (None, False), ("tcp://127.0.0.1:8786", False), ("tcp://localhost:8786", False), ("127.0.0.2:8786", False),
    ("tcp://[::1]:8786", False), ("tcp://scheduler:8786", True), ("tcp://10.0.0.5:8786", True), ("10.0.0.5:8786", True),
])
def test_a_scheduler_on_another_machine_is_told_apart(address, other_machine):
    assert runners.elsewhere(address) is other_machine


@pytest.fixture
def no_prefect_api(monkeypatch):
    """No PREFECT_API_URL, whatever another test module's harness set for the session."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield


def test_workers_elsewhere_need_a_prefect_server_they_can_reach(no_prefect_api):
    from screening.errors import UsageError
    from flows.prefect_api import flow_api

    with pytest.raises(UsageError, match="set PREFECT_API_URL"):
        with flow_api(workers_elsewhere=True):
            pass


def test_a_temporary_server_that_does_not_start_is_one_line_naming_the_fix(monkeypatch, no_prefect_api):
    from prefect.server.api import server as prefect_server

    from flows.prefect_api import flow_api
    from screening.errors import ConfigError

    def fails(self, timeout=None):
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.\nstderr: …")

    stopped = []
    monkeypatch.setattr(prefect_server.SubprocessASGIServer, "start", fails)
    monkeypatch.setattr(prefect_server.SubprocessASGIServer, "stop", lambda self: stopped.append(True))
    loaded = []
    with pytest.raises(ConfigError, match=r"temporary server did not start \(Timed out .*\); check that PREFECT_HOME"):
        with flow_api(meanwhile=lambda: loaded.append(True)):
            pass
    assert loaded == [True] and stopped  # the flow loaded meanwhile; nothing left running


@pytest.mark.parametrize(("rows", "chunks", "said"), [
    (1_000_000, [250_000] * 4, ["25%", "50%", "75%", "100%"]),
    (1_000_000, [50_000] * 20, [f"{p}%" for p in range(10, 101, 10)]),
    (50_000, [50_000], []),  # a short extract: no progress lines
])
def test_reading_a_long_extract_shows_progress(monkeypatch, rows, chunks, said):
    from pathlib import Path

    from flows import messages
    from screening.extract.drop import Extract

    printed: list[str] = []
    monkeypatch.setattr("builtins.print", lambda text, **kwargs: printed.append(text))
    progress = messages.reading_progress(Extract(Path("big.parquet"), 1, 1, 1, rows))
    for chunk in chunks:
        progress("reading", chunk)
        progress("screening", chunk)
    assert [line.rsplit("(", 1)[1].rstrip(")") for line in printed] == said
    assert all(line.startswith("read and checked ") and f"of {rows:,} rows" in line for line in printed)


def test_dask_runner_on_an_existing_scheduler_or_a_local_cluster_on_loopback(monkeypatch):
    remote = runners.dask_runner("tcp://10.0.0.5:8786")
    assert (remote.address, remote.cluster_kwargs) == ("tcp://10.0.0.5:8786", {})
    monkeypatch.setattr(runners.os, "cpu_count", lambda: 6)
    for workers, expected in ((3, 3), (None, 6)):
        local = runners.dask_runner(workers=workers)
        assert local.address is None
        assert local.cluster_kwargs == {"n_workers": expected, "threads_per_worker": 1, "processes": True,
                                        "host": "127.0.0.1", "worker_class": runners.patient_nanny(),
                                        "dashboard_address": "127.0.0.1:0"}


def test_the_nanny_gives_its_worker_time_to_exit(monkeypatch):
    import asyncio

    from distributed import Nanny

    asked = []

    async def close(self, timeout=5, reason="nanny-close"):
        asked.append((timeout, reason))

    monkeypatch.setattr(Nanny, "close", close)
    nanny = object.__new__(runners.patient_nanny())
    asyncio.run(nanny.close())
    asyncio.run(nanny.close(timeout=2, reason="test"))
    assert asked == [(runners.WORKER_EXIT_SECONDS, "nanny-close"), (2, "test")] and runners.WORKER_EXIT_SECONDS == 30


def test_a_duplicate_runner_has_the_same_settings_and_no_cluster(log):
    with runners.DropSizeTaskRunner(dask_min_rows=10, address="tcp://127.0.0.1:8786", workers=3) as runner:
        runner.expect_rows(10)
        copy = runner.duplicate()
    assert type(copy) is runners.DropSizeTaskRunner
    assert (copy.dask_min_rows, copy.address, copy.workers, copy.dask, copy.chosen) == (
        10, "tcp://127.0.0.1:8786", 3, None, "threads")
    assert copy.threads is not runner.threads and copy.threads._max_workers == 3


class RunningFlow:
    """FlowRunContext.get() of a flow run with ``task_runner``."""

    def __init__(self, task_runner):
        self.task_runner = task_runner


@pytest.mark.parametrize(("task_runner", "rows", "said"), [
    (lambda: runners.DropSizeTaskRunner(dask_min_rows=100), 99, "threads"),
    (lambda: runners.DropSizeTaskRunner(dask_min_rows=100), 100, "dask"),
    (lambda: runners.thread_runner(2), 10**9, "threads"),  # chosen by --runner: the size changes nothing
    (lambda: __import__("prefect_dask").DaskTaskRunner(), 1, "dask"),  # (dask_runner is a fake here)
])
def test_expect_rows_inside_a_flow_asks_its_runner(log, monkeypatch, task_runner, rows, said):
    runner = task_runner()
    monkeypatch.setattr(runners.FlowRunContext, "get", lambda: RunningFlow(runner))
    assert runners.expect_rows(rows) == said
    if isinstance(runner, runners.DropSizeTaskRunner):
        assert runner.chosen == said and (runner.dask is not None) is (said == "dask")
