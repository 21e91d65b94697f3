"""The nightly flow, run once from the command line."""

from pathlib import Path

import click

from screening.cli import options
from screening.cli.options import db_option


@click.command()
@click.argument("extract_dir", type=click.Path(path_type=Path))
@db_option
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Registry date (default: today, Asia/Shanghai).")
@click.option("--full", is_flag=True, help="The extracts are the whole registry.")
@click.option("--allow-mass-missing", is_flag=True,
              help="With --full, accept an extract that marks more than REGSCREEN_MISSING_LIMIT of the stored firms missing.")
@click.option("--dask", "address", default=None, help="Address of an existing Dask scheduler, e.g. tcp://scheduler:8786.")
@click.option("--workers", type=int, default=None, help="Workers of the local Dask cluster (default: one per core).")
@click.option("--runner", type=click.Choice(["dask", "threads"]), default="dask", show_default=True)
@click.option("--export-dir", type=click.Path(path_type=Path), default=Path("data/handoff"), show_default=True,
              help="Where the hand-off files per regulator go.")
def nightly(extract_dir: Path, db: Path | None, as_of, full: bool, allow_mass_missing: bool, address: str | None,
            workers: int | None, runner: str, export_dir: Path) -> None:
    """Run the nightly Prefect flow once, locally, over the extracts waiting in EXTRACT_DIR."""
    from flows.nightly import nightly_registry_scan
    from flows.runners import task_runner

    configured = nightly_registry_scan.with_options(task_runner=task_runner(runner, address, workers))
    runs = configured(drop_dir=extract_dir, db=options.store_path(db), as_of=as_of.date() if as_of else None,
                      full=full, chunk_rows=options.settings().chunk_rows, export_dir=export_dir,
                      allow_mass_missing=allow_mass_missing)
    click.echo(f"{len(runs)} extract(s) processed" + "".join(
        f"\n  run {r['run_id']} {r['status']}: {Path(r['extract_file']).name}" for r in runs))


COMMANDS = (nightly,)
