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
