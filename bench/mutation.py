"""Mutation testing of the rules modules: make small deliberate bugs, one at a time, and report the
ones the tests do not catch (survivors).

Each mutant changes one thing in one module's syntax tree: a comparison flipped (== and !=, < and
>=, in and not in), and/or swapped, a ``not`` dropped, + and - swapped, a number moved by one, a
string changed, True and False swapped, a ``return`` of a value made ``return None``, ``continue``
made ``break``, or one entry dropped from a literal table (a cue from ``PREFIX_CUES``, a form from
``RESERVED_FORMS``: the kind of bug a review slipped past the suite). Docstrings, type annotations,
decorators and f-string messages are left alone, and so are the mutants a line's
``# pragma: no mutate (label; …)`` names: equivalent ones, which behave as the original on every input,
each with its reason (the survivors that count are the others).

Only the tests that cover a module run against its mutants (``MODULES`` below), in a child process
forked from one that has already imported the heavy libraries; the mutated module is served to the
child by an import hook, so no file is written. A mutant that makes a test fail, crash or run past
the time limit is killed; one under which every test passes survives.

Run: ``.venv/bin/python bench/mutation.py`` (all four modules), or name some:
``.venv/bin/python bench/mutation.py clauses words``; ``--list`` prints the mutants without running.
Exit status 1 when any mutant survives, 2 when the module's tests fail without any mutant (checked first).
"""

import argparse
import ast
import contextlib
import copy
import importlib.abc
import importlib.util
import io
import os
from pathlib import Path
import re
import signal
import sys
import time

ROOT = Path(__file__).resolve().parent.parent
RULE_TESTS = ROOT / "tests" / "rules"
MODULES = {  # module: the tests that cover it (the slow whole-corpus oracle test left out)
    "clauses": ("screening.rules.clauses", [RULE_TESTS / "test_clauses.py"]),
    "words": ("screening.rules.words", [RULE_TESTS / "test_words.py"]),
    "exemptions": ("screening.rules.exemptions", [RULE_TESTS / "test_exemptions.py"]),
    "identifiers": ("screening.rules.identifiers", [RULE_TESTS / "test_identifiers.py",
                                                     "--deselect", str(RULE_TESTS / "test_identifiers.py")
                                                     + "::test_expressions_equal_stdnum_on_every_code_of_the_corpus"]),
}
TIME_LIMIT = 120  # seconds for one mutant's tests (a mutant that loops forever is killed)
PRAGMA = re.compile(r"pragma: no mutate(?: \((.*?)\)(?::|$))?")  # labels end at "):" or the line's end
FLIPPED = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt,
           ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
ARITHMETIC = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv}


class Site:
    """One place a mutant can be made: where, what it does, and how (on a fresh copy of the tree)."""

    def __init__(self, node: ast.AST, label: str, change=None, replacement=None):
        self.node, self.line, self.label = node, getattr(node, "lineno", 0), label
        self.change, self.replacement = change, replacement


def _untouchable(tree: ast.Module, source: str) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, decorators, f-strings and table entries (an
    entry changed is the entry dropped)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            if docstring and isinstance(first.value.value, str):
                skipped.add(id(first.value))
        annotations = []
        if isinstance(node, ast.arg) and node.annotation:
            annotations.append(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns:
            annotations.append(node.returns)
        if isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for annotation in annotations:
            skipped.update(id(inner) for inner in ast.walk(annotation))
        if isinstance(node, ast.JoinedStr):  # f-string pieces are messages, checked where they matter
            skipped.update(id(inner) for inner in ast.walk(node))
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):  # @dataclass(frozen=True, slots=True): form, not rules
            skipped.update(id(inner) for decorator in node.decorator_list for inner in ast.walk(decorator))
        if _table(node):  # an entry changed is an entry dropped: one mutant, below
            skipped.update(id(element) for element in node.elts if isinstance(element, ast.Constant))
    return skipped


def pragmas(source: str) -> dict[int, set[str] | None]:
    """Lines marked ``# pragma: no mutate`` (every mutant of the line) or ``# pragma: no mutate (0 -> 1; …)``
    (only those, each an equivalent mutant that no test can tell apart, with the reason beside it); a comment
    line holding the pragma marks the line after it."""
    marked = {}
    for number, line in enumerate(source.splitlines(), start=1):
        found = PRAGMA.search(line)
        if found:  # on the line itself, or alone on the line before it
            target = number + 1 if line.lstrip().startswith("#") else number
            marked[target] = {label.strip() for label in found.group(1).split(";")} if found.group(1) else None
    return marked


def _table(node: ast.AST) -> bool:
    """A literal table: a tuple, list or set of two or more constants or tuples (cues, forms)."""
    return (isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) >= 2
            and all(isinstance(e, (ast.Constant, ast.Tuple)) for e in node.elts))


def sites(tree: ast.Module, source: str) -> list[Site]:
    """Every mutant of ``tree``, in a fixed order (``ast.walk``)."""
    skipped, marked, found = _untouchable(tree, source), pragmas(source), []
    negated = {id(n.operand) for n in ast.walk(tree) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        found.extend(site for site in _node_sites(node, negated) if not (
            site.line in marked and (marked[site.line] is None or site.label in marked[site.line])))
    return found


def _set(node: ast.AST, field: str, value) -> callable:
    return lambda: setattr(node, field, value)


def _number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool)


def _node_sites(node: ast.AST, negated: set[int]) -> list[Site]:
    """The mutants of one node (``negated``: ids of the numbers under a minus sign, mutated with it)."""
    result = []
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in FLIPPED:
                flipped = [*node.ops[:index], FLIPPED[type(op)](), *node.ops[index + 1:]]
                label = f"{type(op).__name__} -> {FLIPPED[type(op)].__name__}"
                result.append(Site(node, label, _set(node, "ops", flipped)))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        result.append(Site(node, f"{type(node.op).__name__} -> {type(other).__name__}", _set(node, "op", other)))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        result.append(Site(node, "not x -> x", replacement=node.operand))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _number(node.operand):
        value = node.operand.value
        result.append(Site(node, f"-{value} -> -{value + 1}", _set(node.operand, "value", value + 1)))
    elif isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in ARITHMETIC:
        other = ARITHMETIC[type(node.op)]
        result.append(Site(node, f"{type(node.op).__name__} -> {other.__name__}", _set(node, "op", other())))
    elif isinstance(node, ast.Constant) and id(node) not in negated:
        value = node.value
        if isinstance(value, bool):
            result.append(Site(node, f"{value} -> {not value}", _set(node, "value", not value)))
        elif isinstance(value, int):
            result.append(Site(node, f"{value} -> {value + 1}", _set(node, "value", value + 1)))
        elif isinstance(value, str) and value:
            result.append(Site(node, f"{value!r} -> 'XX'", _set(node, "value", "XX" + value + "XX")))
    elif isinstance(node, ast.Return) and node.value is not None and not (  # a constant is mutated as one
            isinstance(node.value, ast.Constant) and (node.value.value is None or isinstance(node.value.value, bool))):
        result.append(Site(node, "return x -> return None", _set(node, "value", ast.Constant(None))))
    elif isinstance(node, ast.Continue):
        result.append(Site(node, "continue -> break", replacement=ast.Break()))
    if _table(node):
        for index, element in enumerate(node.elts):
            kept = node.elts[:index] + node.elts[index + 1:]
            result.append(Site(node, f"drop entry {ast.unparse(element)[:40]}", _set(node, "elts", kept)))
    return result


def mutate(source: str, number: int) -> tuple[ast.Module, Site]:
    """The module's tree with mutant ``number`` applied."""
    tree = ast.parse(source)
    site = sites(tree, source)[number]
    if site.replacement is None:
        site.change()
    else:
        _replace(tree, site.node, ast.copy_location(site.replacement, site.node))
    return ast.fix_missing_locations(tree), site


def _replace(tree: ast.Module, old: ast.AST, new: ast.AST) -> None:
    """Put ``new`` where ``old`` is in ``tree``."""
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
            elif isinstance(value, list) and any(child is old for child in value):
                value[[child is old for child in value].index(True)] = new


class MutantFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one module from a mutated tree instead of its file."""

    def __init__(self, name: str, path: Path, tree: ast.Module):
        self.name, self.path, self.tree = name, path, tree

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=str(self.path))

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__file__ = str(self.path)
        exec(compile(self.tree, str(self.path), "exec"), module.__dict__)


def _imported_names(path: Path) -> set[str]:
    """The absolute module names a source file imports (``from a.b import c`` gives a.b and a.b.c)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def dependents(module: str) -> set[str]:
    """The loaded project modules that import ``module``, directly or through others (and it)."""
    project = {name: Path(m.__file__) for name, m in list(sys.modules.items())
               if name.split(".")[0] in ("screening", "flows") and getattr(m, "__file__", None)}
    imports = {name: _imported_names(path) for name, path in project.items()}
    found, grown = {module}, True
    while grown:
        more = {name for name, names in imports.items() if names & found} - found
        found |= more
        grown = bool(more)
    return found


def _timed_out(signum, frame):
    os._exit(3)


def run_mutant(module: str, path: Path, tree: ast.Module, tests: list) -> bool:
    """Whether the tests kill the mutant (run in a forked child; the parent's modules stay clean)."""
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGALRM, _timed_out)
        signal.alarm(TIME_LIMIT)
        for name in dependents(module):  # imported again, from the mutant; the rest stays warm
            sys.modules.pop(name, None)
        sys.meta_path.insert(0, MutantFinder(module, path, tree))
        import pytest
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                code = pytest.main([*map(str, tests), "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                                    "-W", "ignore", "--hypothesis-seed=0"])
            except BaseException:  # noqa: BLE001  (anything the mutant breaks kills it)
                code = 1
        os._exit(0 if code == 0 else 1)
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status) != 0


def warm_up() -> None:
    """Import the libraries and the project once, in the parent, and fill the caches that every child would
    otherwise fill again: the folding tables, and jieba's dictionary (each new tokenizer copies it instead of
    reading it from disk). A child imports again only the mutated module and the modules that use it."""
    import hypothesis  # noqa: F401
    import jieba
    import pytest  # noqa: F401

    from screening.rules import folding, screener  # noqa: F401  (imports the rules stage and what it uses)
    folding.fold_text("预热")
    warm = jieba.Tokenizer()
    warm.initialize()
    load = jieba.Tokenizer.initialize

    def initialize(self, dictionary=None):
        if dictionary is None and not self.initialized and self.dictionary == warm.dictionary:
            self.FREQ, self.total, self.initialized = dict(warm.FREQ), warm.total, True
            return
        load(self, dictionary)

    jieba.Tokenizer.initialize = initialize


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--list", action="store_true", help="print the mutants without running them")
    arguments = parser.parse_args()
    unknown = set(arguments.modules) - set(MODULES)
    if unknown:
        parser.error(f"unknown module(s) {', '.join(sorted(unknown))}; choose from {', '.join(MODULES)}")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    warm_up()
    survivors, total, started = [], 0, time.monotonic()
    for short in arguments.modules or MODULES:
        module, tests = MODULES[short]
        path = ROOT / (module.replace(".", "/") + ".py")
        source = path.read_text(encoding="utf-8")
        count = len(sites(ast.parse(source), source))
        print(f"{short}: {count} mutants", flush=True)
        if not arguments.list and run_mutant(module, path, ast.parse(source), tests):
            print(f"  the tests of {short} fail on the module as it is: fix them first "
                  "(every mutant would count as killed)")
            return 2
        for number in range(count):
            tree, site = mutate(source, number)
            where = f"{path.relative_to(ROOT)}:{site.line}: {site.label}"
            if arguments.list:
                print(f"  {where}")
                continue
            total += 1
            if not run_mutant(module, path, copy.deepcopy(tree), tests):
                survivors.append(where)
                print(f"  SURVIVED {where}", flush=True)
    if arguments.list:
        return 0
    minutes = (time.monotonic() - started) / 60
    print(f"{total} mutants, {total - len(survivors)} killed, {len(survivors)} survived ({minutes:.1f} min)")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
