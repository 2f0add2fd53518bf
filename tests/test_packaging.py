"""The project's set-up files agree with each other, and notebooks are stored clean."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    conda = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^  - ([A-Za-z0-9_.\-]+)", line)
        if m and m.group(1) not in ("python", "pip"):
            conda.add(_name(m.group(1)))
    assert conda == wanted


def test_constraints_pin_every_dependency_and_make_installs_with_them():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]}
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep and version, f"constraints.txt: {line!r} is not name==version"
            pins[_name(name)] = version
    assert wanted <= set(pins), f"not pinned in constraints.txt (run make lock): {wanted - set(pins)}"
    assert "cpanalysis" not in pins  # the project itself is installed editable, not pinned
    assert re.search(r"pip install .*-c \$\(LOCK\) -e", (ROOT / "Makefile").read_text())
    assert "pip freeze" in (ROOT / "Makefile").read_text()  # make lock


def test_environment_yml_installs_the_package_with_pip():
    assert re.search(r"^\s+- -e \.$", (ROOT / "environment.yml").read_text(), re.M)


def test_notebooks_are_stored_without_outputs():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for nb_path in notebooks:
        nb = json.loads(nb_path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{nb_path.name} is stored with outputs"
                assert cell.get("execution_count") is None, f"{nb_path.name} is stored with execution counts"


def test_readme_quick_start_is_the_two_make_commands_and_ci_runs_make_test():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


# Data may be tracked only here: the published aggregate tables and the test fixtures (fake or published data).
DATA_FOLDERS = ("data/reference/", "tests/fixtures/")
DATA_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".xlsx", ".xls", ".xlsm", ".xml", ".parquet", ".zip")
# columns that make a table child-level (the 903's child identifier and dates of birth)
CHILD_COLUMNS = re.compile(r"(^|[,\t])\"?(CHILD|CHILD_ID|DOB|UPN)\"?([,\t]|$)", re.I)


def _git(*args: str) -> list[str]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing is tracked")
    res = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode in (0, 1), res.stderr  # check-ignore exits 1 when no path is ignored
    return res.stdout.splitlines()


def test_no_data_file_is_tracked_outside_the_data_folders():
    # tracked, or untracked and not ignored (so `git add -A` would commit it)
    files = _git("ls-files", "--cached", "--others", "--exclude-standard")
    stray = [f for f in files if f.lower().endswith(DATA_SUFFIXES) and not f.startswith(DATA_FOLDERS)]
    assert stray == [], f"data files outside {DATA_FOLDERS}: {stray}"


def test_gitignore_keeps_data_files_out_except_in_the_data_folders():
    paths = ["data/la/2024_episodes.csv", "notebooks/903.xlsx", "903_2024.xml", "outputs/x.parquet", "a.csv.gz"]
    kept = ["data/reference/new_table.csv", "tests/fixtures/new/episodes.csv"]
    ignored = _git("check-ignore", "--no-index", "--verbose", "--non-matching", *paths, *kept)
    # each line is "source:line:pattern<TAB>path"; a path is ignored when its last matching pattern is not "!..."
    status = {}
    for line in ignored:
        where, path = line.split("\t")
        pattern = where.split(":", 2)[2]
        status[path] = bool(pattern) and not pattern.startswith("!")
    assert {p: status[p] for p in paths} == dict.fromkeys(paths, True)
    assert {p: status[p] for p in kept} == dict.fromkeys(kept, False)


def test_reference_tables_are_aggregates_not_child_level():
    for f in _git("ls-files", "data/reference"):
        if f.endswith(".csv"):
            header = (ROOT / f).read_text(encoding="utf-8-sig").partition("\n")[0]
            assert not CHILD_COLUMNS.search(header), f"{f} looks child-level: {header}"


def test_assumptions_log_rates_every_assumption_and_notebook_03_links_to_it():
    text = (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if re.match(r"^\| [A-Z]\d+ \|", line)]
    assert len(rows) >= 20
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 6 and cells[1] and cells[2], row  # id, assumption, source, quality, impact, notes
        assert cells[3] in ("Green", "Amber", "Red") and cells[4] in ("High", "Medium", "Low"), row
    nb = json.loads((ROOT / "notebooks" / "03_cost_projections.ipynb").read_text())
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "(../docs/assumptions.md)" in markdown


def test_pyarrow_allocates_by_jemalloc_unless_the_user_chose_another():
    """cpanalysis sets pyarrow's jemalloc allocator on import (it returns freed memory; the default kept it), where
    the build has it; a pool chosen by ARROW_DEFAULT_MEMORY_POOL stands."""
    import os
    import sys

    import pyarrow as pa

    code = "import cpanalysis, pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    try:
        pa.jemalloc_memory_pool()
        expected = "jemalloc"
    except NotImplementedError:
        expected = pa.default_memory_pool().backend_name
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert run.stdout.strip() == expected
    chosen = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**env, "ARROW_DEFAULT_MEMORY_POOL": "system"}
    )
    assert chosen.stdout.strip() == "system"
