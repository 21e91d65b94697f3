"""The README's main command, as written there, on a fresh machine: a new HOME and PREFECT_HOME.

The command is read from README.md ("Two commands on a fresh machine"); the part after the install
runs (the repository's .venv exists when tests run) as subprocesses from the repository root. The
store goes to a temporary folder (REGSCREEN_DB_PATH) so the test leaves the checkout as it was.
Every Python process it starts (the CLI, Prefect's server, any worker) carries an audit hook that
records each attempt to reach a host other than this machine's loopback.
"""

import os
from pathlib import Path
import re
import shlex
import subprocess

import pytest

from sample_watchlist import SAMPLE_WATCHLIST, current_watchlist
from screening.settings import REPO_ROOT

pytestmark = pytest.mark.slow
NETWORK_AUDIT = '''
import ipaddress, os, sys

LOG = os.environ["REGSCREEN_TEST_NETWORK_LOG"]


def remote(host):
    if host in (None, "", "localhost") or isinstance(host, int):
        return False
    try:
        return not ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return True  # a name to look up: the network


def audit(event, args):
    host = None
    if event in ("socket.getaddrinfo", "socket.gethostbyname"):
        host = args[0]
    elif event == "socket.connect" and isinstance(args[1], tuple):
        host = args[1][0]
    if host is not None and remote(host.decode() if isinstance(host, bytes) else host):
        with open(LOG, "a") as log:
            log.write(f"{os.getpid()} {event} {args[1:] if event == 'socket.connect' else args[:2]}\\n")


sys.addaudithook(audit)
'''


def readme_main_commands() -> list[str]:
    """The commands of the README's main line that come after the install, in order."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Two commands on a fresh machine", 1)[1].split("\n## ", 1)[0]
    line = next(line.strip() for line in section.splitlines() if "regscreen nightly" in line and "&&" in line)
    parts = [part.strip() for part in line.split(" && ")]
    install = max(i for i, part in enumerate(parts) if "pip install" in part)
    return parts[install + 1:]


@pytest.fixture
def fresh_machine(tmp_path) -> dict[str, str]:
    home, audit = tmp_path / "home", tmp_path / "audit"
    home.mkdir()
    audit.mkdir()
    (audit / "sitecustomize.py").write_text(NETWORK_AUDIT, encoding="utf-8")
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("PREFECT_", "REGSCREEN_", "DO_NOT_TRACK", "PYTHON"))}
    return environ | {"HOME": str(home), "PREFECT_HOME": str(home / ".prefect"), "PYTHONPATH": str(audit),
                      "REGSCREEN_DB_PATH": str(tmp_path / "store" / "registry.duckdb"),
                      "REGSCREEN_TEST_NETWORK_LOG": str(tmp_path / "network.log")}


def test_the_readme_command_is_the_main_job_then_a_query():
    commands = readme_main_commands()
    assert [shlex.split(c)[:2] for c in commands] == [[".venv/bin/regscreen", "nightly"], [".venv/bin/regscreen", "sql"]]
    assert shlex.split(commands[0])[2:] == ["data/sample"]


def test_the_readme_main_command_runs_clean_on_a_fresh_machine(fresh_machine, tmp_path):
    outputs = []
    for command in readme_main_commands():
        done = subprocess.run(shlex.split(command), cwd=REPO_ROOT, env=fresh_machine, capture_output=True,
                              text=True, timeout=1200)
        output = done.stdout + done.stderr
        outputs.append(output)
        assert done.returncode == 0, f"{command} exited {done.returncode}:\n{output[-4000:]}"
        assert "Traceback" not in output, output[-4000:]
        noisy = [line for line in output.splitlines() if re.search(r"\| (ERROR|WARNING|CRITICAL) |^(ERROR|WARNING)", line)]
        assert noisy == [], "\n".join(noisy)
    nightly, query = outputs
    assert nightly.count("Starting temporary server") == 1, nightly  # one server: the flow's, nothing in workers
    assert "Stopping temporary server" in nightly and "Error logging to API" not in nightly
    assert "run 1 complete: registrations_sample.csv, 24 rows in = 22 loaded + 2 rejected" in nightly
    assert "1 extract loaded" in nightly and "screening on threads" in nightly
    assert query.rstrip().splitlines()[-1] == "13 rows" and "91110108MA0000003K" in query
    network = tmp_path / "network.log"
    assert not network.exists(), f"attempts to reach the network:\n{network.read_text()}"
    store = Path(fresh_machine["REGSCREEN_DB_PATH"])
    assert current_watchlist(store) == SAMPLE_WATCHLIST
    assert sorted(p.name.split("_")[0] for p in (store.parent / "handoff").glob("*.xlsx")) == [
        "cbrc", "circ", "csrc", "jrb", "pbc"]  # the hand-off files beside the store, not in the current folder


def test_the_main_command_on_dask_starts_one_server_and_closes_its_cluster_cleanly(fresh_machine, tmp_path):
    nightly = shlex.split(readme_main_commands()[0]) + ["--runner", "dask", "--workers", "2"]
    done = subprocess.run(nightly, cwd=REPO_ROOT, env=fresh_machine | {"REGSCREEN_CHUNK_ROWS": "5"},
                          capture_output=True, text=True, timeout=1200)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "Traceback" not in output and "database is locked" not in output, output[-4000:]
    noisy = [line for line in output.splitlines() if re.search(r"\| (ERROR|WARNING|CRITICAL) |^(ERROR|WARNING)", line)]
    assert noisy == [], "\n".join(noisy)  # among them: "Worker process still alive after 4.0 seconds, killing"
    assert output.count("Starting temporary server") == 1, output  # none in the Dask workers
    assert "screening on dask" in output and "screened 22 of 22 firms (100%)" in output
    assert current_watchlist(Path(fresh_machine["REGSCREEN_DB_PATH"])) == SAMPLE_WATCHLIST  # as on threads
    network = tmp_path / "network.log"
    assert not network.exists(), f"attempts to reach the network:\n{network.read_text()}"
