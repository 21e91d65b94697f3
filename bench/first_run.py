"""Benchmark: the README's main command on a fresh machine against a bare Prefect flow.

Both are started the same way, as a new process in a fresh HOME and PREFECT_HOME (so each creates
its Prefect database from nothing), with the project's Prefect settings (prefect.toml: no telemetry)
in the environment, alternately, ``--repeats`` times each:

- the baseline: a bare flow of three trivial tasks, ``python bare_flow.py`` (written to a temporary
  folder), on Prefect's own temporary server;
- the product: ``regscreen nightly data/sample`` (the README's main command) into a new store
  (REGSCREEN_DB_PATH in the temporary folder; the hand-off files go beside it).

It prints the median wall time of each, the difference (goal: at most 8 s), the median CPU time of
each (the process and the processes it waited for: its server; less disturbed than wall time on a
busy machine) and, for every run of the product, the evidence issue 15 asks for: exit status,
temporary servers started, and lines with a traceback, ERROR or WARNING. Run from the repository root:

    .venv/bin/python bench/first_run.py [--repeats 5]
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows.prefect_api import project_settings
from screening.settings import REPO_ROOT

GOAL_SECONDS = 8.0
BARE_FLOW = '''
from prefect import flow, task


@task
def step(number: int) -> int:
    return number + 1


@flow
def bare() -> list[int]:
    return [step(number) for number in range(3)]


if __name__ == "__main__":
    print(bare())
'''
NOISE = re.compile(r"Traceback|\| ERROR |\| WARNING |^ERROR|^WARNING", re.MULTILINE)


def fresh_environment(folder: Path) -> dict[str, str]:
    """The environment of a first run: a new home and Prefect home, the project's Prefect settings."""
    home = folder / "home"
    home.mkdir()
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "REGSCREEN_"))}
    return environ | project_settings() | {"HOME": str(home), "PREFECT_HOME": str(home / ".prefect"),
                                           "REGSCREEN_DB_PATH": str(folder / "registry.duckdb")}


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], environ: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall time, CPU time and result of one command run from the repository root."""
    started, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(command, cwd=REPO_ROOT, env=environ, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - started, children_cpu() - cpu, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    times: dict[str, list[float]] = {"bare flow": [], "regscreen nightly": []}
    cpu: dict[str, list[float]] = {"bare flow": [], "regscreen nightly": []}
    for repeat in range(1, args.repeats + 1):
        with tempfile.TemporaryDirectory(prefix="first_run_") as tmp:
            folder = Path(tmp)
            (folder / "bare_flow.py").write_text(BARE_FLOW, encoding="utf-8")
            seconds, used, done = timed([str(bin_dir / "python"), str(folder / "bare_flow.py")],
                                        fresh_environment(folder))
            assert done.returncode == 0, done.stderr[-2000:]
            times["bare flow"].append(seconds)
            cpu["bare flow"].append(used)
        with tempfile.TemporaryDirectory(prefix="first_run_") as tmp:
            seconds, used, done = timed([str(bin_dir / "regscreen"), "nightly", "data/sample"],
                                        fresh_environment(Path(tmp)))
            output = done.stdout + done.stderr
            times["regscreen nightly"].append(seconds)
            cpu["regscreen nightly"].append(used)
            print(f"run {repeat}: bare flow {times['bare flow'][-1]:.1f} s, regscreen nightly {seconds:.1f} s "
                  f"(exit {done.returncode}, temporary servers {output.count('Starting temporary server')}, "
                  f"traceback/ERROR/WARNING lines {len(NOISE.findall(output))})", flush=True)
            if done.returncode or NOISE.search(output):
                print(output[-3000:])
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name}: median {median:.1f} s of {len(times[name])} ({', '.join(f'{t:.1f}' for t in times[name])}); "
              f"CPU median {statistics.median(cpu[name]):.1f} s")
    extra = medians["regscreen nightly"] - medians["bare flow"]
    print(f"regscreen nightly costs {extra:+.1f} s over the bare flow (goal: at most +{GOAL_SECONDS:.0f} s): "
          + ("met" if extra <= GOAL_SECONDS else "NOT met"))


if __name__ == "__main__":
    main()
