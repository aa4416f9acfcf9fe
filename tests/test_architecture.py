"""The house rules of the code (docs/adr/0005-rooms-and-arrows.md), checked on every run.

- The arrows between the rooms are import-linter contracts in ``pyproject.toml``; ``make test``
  runs ``lint-imports`` before pytest. Here we prove that a back-arrow breaks a contract, so the
  contracts cannot quietly stop guarding anything.
- No two modules import each other, not even through an import inside a function (which hides a
  cycle from Python until the function runs). Imports under ``TYPE_CHECKING`` are annotations
  only and never run, so they are left out.
- No module over 600 lines and no function over 60 lines (migrations aside): a longer one mixes
  concerns and is split where it reads better.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("toolkid", "audit", "consent", "requests", "demo")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


# --- the contracts ---------------------------------------------------------------------------


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("code")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


@pytest.mark.parametrize(
    ("module", "back_arrow", "contract"),
    [
        # The kernel of the requests app reaching into a sub-domain.
        ("requests/core/back_arrow.py", "from requests.handling import services", "knows no sub-domain"),
        # One sub-domain reaching into another's internals.
        ("requests/filing/back_arrow.py", "from requests.followup import selectors", "only the kernel"),
        # The audit app importing a domain app (it should be told, through its registries).
        ("audit/back_arrow.py", "import consent.models", "toolkid and audit import no domain app"),
        # Production code depending on the demo data.
        ("toolkid/back_arrow.py", "from demo import accounts", "Nothing imports the demo data"),
        # The read-only FHIR view reaching for a write (docs/adr/0007 §1).
        ("requests/fhir/back_arrow.py", "from requests.handling import services", "The FHIR view only reads"),
        # A sub-domain reaching up into the API layer (docs/adr/0007 §1).
        ("requests/handling/back_arrow.py", "from requests.api import views", "only the kernel"),
        # The API moving state itself instead of calling a service.
        ("requests/api/back_arrow.py", "from requests.core import plumbing",
         "The API and the FHIR view decide nothing"),
    ],
)
def test_a_back_arrow_breaks_a_contract(copy_of_the_code, module, back_arrow, contract):
    target = copy_of_the_code / module
    target.write_text(f"{back_arrow}  # deliberate violation\n")
    try:
        result = _lint_imports(copy_of_the_code)
    finally:
        target.unlink()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert contract in " ".join(result.stdout.split())  # the report wraps long names
    assert module.removesuffix(".py").replace("/", ".") in result.stdout


def test_the_contracts_hold_for_the_code_as_it_is(copy_of_the_code):
    result = _lint_imports(copy_of_the_code)
    assert result.returncode == 0, result.stdout + result.stderr


# --- no cycles -------------------------------------------------------------------------------


def cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected components of more
    than one module), each sorted. Iterative Tarjan: the graph has hundreds of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imports.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_third_module():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_two_modules_import_each_other():
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    assert cycles(imports) == []


# --- sizes -----------------------------------------------------------------------------------


def test_no_module_is_over_600_lines():
    sizes = {str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for path in _sources()}
    long = {path: lines for path, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_is_over_60_lines():
    long = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = node.end_lineno - first + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = length
    assert long == {}
