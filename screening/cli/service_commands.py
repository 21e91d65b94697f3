"""Commands of the running service: the Prefect worker of the nightly deployment."""

import click


@click.command()
@click.option("--pool", default="regscreen-process", show_default=True, help="The Prefect work pool to serve.")
@click.option("--run-once", is_flag=True, help="Take the flow runs due now, run them, and stop.")
@click.option("--limit", type=int, default=None, help="Flow runs at once (default: no limit; the deployment allows 1).")
def worker(pool: str, run_once: bool, limit: int | None) -> None:
    """Run the Prefect process worker of the nightly deployment (instead of `prefect worker start`).

    It reports to PREFECT_API_URL and stops within 10 s of SIGTERM or Ctrl-C: it stops polling, stops
    the flow run in progress (the store stays as it was) and exits."""
    from flows.worker import run_worker

    run_worker(pool, run_once, limit)


COMMANDS = (worker,)
