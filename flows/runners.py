"""Task runners for the nightly flow: Dask (a LocalCluster sized to the machine, or a cluster
by address) or threads for small drops and tests."""

import logging
import os

from prefect.task_runners import ThreadPoolTaskRunner


def dask_runner(address: str | None = None, workers: int | None = None):
    """prefect-dask's DaskTaskRunner on an existing scheduler, or on a new LocalCluster of processes."""
    from prefect_dask import DaskTaskRunner

    logging.getLogger("distributed").setLevel(logging.WARNING)
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers or os.cpu_count() or 1, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


def task_runner(kind: str, address: str | None = None, workers: int | None = None):
    """The runner named ``kind``: dask (default) or threads."""
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=workers or os.cpu_count() or 1)
    return dask_runner(address, workers)
