"""The house: the stages' import contracts of pyproject.toml (``[tool.importlinter]``) hold.

extract → rules → store → hand-off and intake → the interfaces (cli, web, flows): no module imports
from a stage above its own, only the interfaces read the settings, the rules and readers hold no
database or network, flows never call the command line, and no sibling modules import each other in
a circle. A test that plants a violation shows the check can fail.
"""

from pathlib import Path
import shutil
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """import-linter's own command over the tree's pyproject.toml, its packages first on the path."""
    return subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, '.');"
                           " from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
                           "--config", "pyproject.toml", "--no-cache"], cwd=tree, capture_output=True, text=True,
                          timeout=300)


def test_the_stage_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


def test_a_store_module_importing_the_hand_off_breaks_the_contract(tmp_path):
    copy = tmp_path / "house"
    shutil.copytree(ROOT / "screening", copy / "screening", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "flows", copy / "flows", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    planted = copy / "screening" / "store" / "planted.py"
    planted.write_text("from screening.handoff import export  # the store climbing into the hand-off\n")
    result = lint_imports(copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "screening.store.planted -> screening.handoff.export" in result.stdout
