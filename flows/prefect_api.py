"""Where the nightly flow and its Dask workers report: the project's Prefect settings, and at most one
temporary Prefect server per command.

The settings are ``prefect.toml`` at the repository root (no telemetry; a start-up timeout for busy
machines). Prefect reads some of them once, when it is imported, so :func:`apply_project_settings`
runs before anything imports Prefect: ``flows/__init__.py`` calls it. A variable already in the
environment wins.

Without ``PREFECT_API_URL`` every process that runs a flow or a task starts its own temporary server,
so a flow on a local Dask cluster used to start two on one sqlite file ("database is locked").
:func:`flow_api` starts the one temporary server before the flow and hands its address to the flow
and to every process started under it (the Dask workers), and stops it at the end.
"""

from collections.abc import Callable
from contextlib import contextmanager
import os
import sys
import threading
import tomllib

from screening.errors import ConfigError, UsageError
from screening.settings import REPO_ROOT

PREFECT_TOML = REPO_ROOT / "prefect.toml"
# Prefect's SDK telemetry is switched off by DO_NOT_TRACK, read when Prefect is imported; it is not a
# Prefect setting, so it cannot live in prefect.toml.
NOT_PREFECT_SETTINGS = {"DO_NOT_TRACK": "1"}


def environment_names(table: dict, prefix: str = "PREFECT") -> dict[str, str]:
    """The environment variables of a prefect.toml table: ``[server] analytics_enabled = false`` is
    ``PREFECT_SERVER_ANALYTICS_ENABLED=false``."""
    names: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}_{key.upper()}"
        if isinstance(value, dict):
            names |= environment_names(value, name)
        else:
            names[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return names


def project_settings() -> dict[str, str]:
    """Every setting the project gives Prefect, as environment variables."""
    with open(PREFECT_TOML, "rb") as handle:
        return NOT_PREFECT_SETTINGS | environment_names(tomllib.load(handle))


def apply_project_settings(environ=os.environ) -> None:
    """Put the project's Prefect settings into ``environ`` where it has none of its own."""
    for name, value in project_settings().items():
        environ.setdefault(name, value)


@contextmanager
def flow_api(meanwhile: Callable[[], object] = lambda: None, workers_elsewhere: bool = False):
    """The Prefect API the flow of this command reports to, and its Dask workers with it: the server
    of ``PREFECT_API_URL`` when one is set, else one temporary server started here and stopped when the
    block ends. ``meanwhile`` runs while the server starts (it takes seconds: a fresh PREFECT_HOME
    creates its database), e.g. loading the term lists. Yields the API's URL. A temporary server
    listens on this machine's loopback only: with ``workers_elsewhere`` (a Dask cluster on other
    machines) it is a UsageError to have no ``PREFECT_API_URL``."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    configured = get_current_settings().api.url
    if configured:
        meanwhile()
        yield configured
        return
    if workers_elsewhere:
        raise UsageError("Dask workers on other machines cannot reach a temporary Prefect server on this one:"
                         " start a Prefect server they can reach and set PREFECT_API_URL (README, \"The deployment\")")
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.server.api.server import SubprocessASGIServer

    ensure_logging_setup()  # so that "Starting temporary server on …" is said, as Prefect does
    server, failed = SubprocessASGIServer(), []
    starting = threading.Thread(target=lambda: start_or_record(server, failed), name="temporary-prefect-server")
    starting.start()
    try:
        meanwhile()
    finally:
        starting.join()
        if failed or sys.exc_info()[0] is not None:
            server.stop()
    if failed:
        raise ConfigError(f"Prefect's temporary server did not start ({str(failed[0]).splitlines()[0][:200]});"
                          f" check that PREFECT_HOME ({get_current_settings().home}) can be written, or set"
                          " PREFECT_API_URL to a running Prefect server") from None
    os.environ["PREFECT_API_URL"] = server.api_url  # processes started from here on (Dask workers)
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):  # this process, and the task contexts sent out
            yield server.api_url
    finally:
        deliver_pending(server.api_url)
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def start_or_record(server, failed: list) -> None:
    """Start the server (blocks until it answers), or keep the error for the caller."""
    try:
        server.start()
    except Exception as error:  # Prefect raises RuntimeError for a server that does not come up
        failed.append(error)


def deliver_pending(api_url: str, seconds: float = 30) -> None:
    """Send the logs and events still queued to the server at ``api_url`` before it stops (else they
    fail at exit with "Error logging to API")."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.worker import deliver_queued

    with temporary_settings({PREFECT_API_URL: api_url}):
        deliver_queued(seconds)
