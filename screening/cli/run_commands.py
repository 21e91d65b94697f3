"""The nightly flow, run once from the command line."""

from pathlib import Path

import click

from screening.cli import options
from screening.cli.options import db_option
from screening.cli.terminal import echo


@click.command()
@click.argument("extract_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Registry date (default: today, Asia/Shanghai).")
@click.option("--full", is_flag=True, help="The extracts are the whole registry.")
@click.option("--allow-mass-missing", is_flag=True,
              help="With --full, accept an extract that marks more than REGSCREEN_MISSING_LIMIT of the stored firms missing.")
@click.option("--dask", "address", default=None, help="Address of an existing Dask scheduler, e.g. tcp://scheduler:8786.")
@click.option("--workers", type=int, default=None, help="Workers of the local Dask cluster, or threads (default: one per core).")
@click.option("--runner", type=click.Choice(["auto", "threads", "dask"]), default="auto", show_default=True,
              help="auto: threads for a drop under REGSCREEN_DASK_MIN_ROWS rows, Dask from there on.")
@click.option("--export-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the hand-off files per regulator go (default: REGSCREEN_HANDOFF_DIR, else `handoff` "
                   "beside the store).")
def nightly(extract_dir: Path, db: Path | None, as_of, full: bool, allow_mass_missing: bool, address: str | None,
            workers: int | None, runner: str, export_dir: Path | None) -> None:
    """Run the nightly Prefect flow once, locally, over the extracts waiting in EXTRACT_DIR (the drop folder).

    It reports to the Prefect server of PREFECT_API_URL when one is set, else to one temporary server
    that lives as long as the command."""
    from flows.prefect_api import flow_api

    if address and runner == "threads":
        options.fail("--dask gives a Dask scheduler: use it with --runner auto or dask, not threads")
    from flows.runners import elsewhere

    store = options.store_to_write(db, create=True)  # a wrong --db or --export-dir fails before any server starts
    folder = options.output_folder(export_dir) if export_dir else None
    with flow_api(meanwhile=load_flow, workers_elsewhere=elsewhere(address)):  # the flow loads while a server starts
        from flows.nightly import nightly_registry_scan
        from flows.runners import task_runner

        configured = nightly_registry_scan.with_options(task_runner=task_runner(runner, address, workers))
        runs = configured(drop_dir=extract_dir, db=store, as_of=as_of.date() if as_of else None, full=full,
                          chunk_rows=options.settings().chunk_rows, export_dir=folder,
                          allow_mass_missing=allow_mass_missing)
    loaded = "1 extract loaded" if len(runs) == 1 else f"{len(runs)} extracts loaded"
    echo(loaded + "".join(f"\n  run {r['run_id']} {r['status']}: {Path(r['extract_file']).name}" for r in runs))


def load_flow() -> None:
    """Import the flow and load its screener (the term lists, jieba's dictionary) into this process."""
    from flows.nightly import process_screener

    process_screener()


COMMANDS = (nightly,)
