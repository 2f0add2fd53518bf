"""Every notebook runs top to bottom under papermill: on the embedded synthetic data with its defaults
(nbval runs them too, see Makefile), with another period end, on the external D2I sample, and with a bad
parameter it stops with a readable message."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def execute(nb: Path, tmp_path: Path, **params) -> nbformat.NotebookNode:
    out = tmp_path / nb.name
    papermill.execute_notebook(
        str(nb),
        str(out),
        parameters={"output_dir": str(tmp_path / "out"), **params},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(nb.parent),
    )
    return nbformat.read(out, as_version=4)


def test_every_notebook_declares_the_shared_parameters():
    assert NOTEBOOKS, "no notebooks found"
    for nb in NOTEBOOKS:
        declared = papermill.inspect_notebook(str(nb))
        assert {"data_dir", "period_end", "la_code", "period", "output_dir"} <= set(declared), nb.name


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_on_the_d2i_sample_with_another_period_end(nb, tmp_path, d2i_sample):
    executed = execute(nb, tmp_path, data_dir=str(d2i_sample), period_end="2020-12-31")
    assert any(c.get("outputs") for c in executed.cells if c.cell_type == "code")
    assert list((tmp_path / "out" / "tables").glob("*.csv")), "the notebook saved no table"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_period_end_after_the_data_stops_with_a_readable_message(nb, tmp_path, d2i_sample):
    with pytest.raises(PapermillExecutionError) as err:
        execute(nb, tmp_path, data_dir=str(d2i_sample), period_end="2030-03-31")
    assert err.value.ename == "InputError"
    assert "after the last date in the data" in err.value.evalue


# A notebook holds no logic: each statement of a code cell is an import, a call (a display), a bare name (a
# display) or an assignment whose value is a call or a plain look-up (ctx.data["episodes"]); no loop, condition,
# comprehension, lambda, conditional expression or DataFrame typed in cell by cell.
_PLAIN = (ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.JoinedStr)
_LOGIC = (ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.Lambda, ast.IfExp)


def logic_in(source: str) -> list[str]:
    """What in a code cell is more than a call, an assignment from a call, or a display."""
    found = []
    for st in ast.parse(source).body:
        if isinstance(st, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(st, ast.Expr) and isinstance(st.value, _PLAIN):
            value = st.value
        elif isinstance(st, (ast.Assign, ast.AnnAssign)) and st.value is not None:
            value = st.value
            parts = value.elts if isinstance(value, ast.Tuple) else [value]
            if not all(isinstance(p, _PLAIN) for p in parts):
                found.append(f"line {st.lineno}: computed assignment {ast.unparse(value)[:50]}")
                continue
        else:
            found.append(f"line {st.lineno}: {type(st).__name__} statement")
            continue
        for node in ast.walk(value):
            if isinstance(node, _LOGIC):
                found.append(f"line {st.lineno}: {type(node).__name__}")
            elif (
                isinstance(node, ast.Call)
                and ast.unparse(node.func).endswith("DataFrame")
                and any(isinstance(a, (ast.List, ast.Dict)) for a in node.args)
            ):
                found.append(f"line {st.lineno}: a DataFrame typed in cell by cell")
    return found


def test_the_logic_check_finds_logic():
    assert logic_in("x = f(a)\nshow(x)\nx\nfrom m import n") == []
    assert len(logic_in("for b in bs:\n    f(b)")) == 1
    assert len(logic_in("if x:\n    f()")) == 1
    assert len(logic_in("y = [c for c in cs]")) == 1
    assert len(logic_in("y = a - b")) == 1
    assert len(logic_in("t = pd.DataFrame([{'a': 1}])")) == 1
    assert len(logic_in("f('a' if x else 'b')")) == 1


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_hold_no_logic(nb):
    book = nbformat.read(nb, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    assert "setup(" in code[0].source, f"{nb.name}: the first code cell must call cpanalysis.context.setup"
    problems = [f"cell {i}: {p}" for i, c in enumerate(book.cells) if c in code for p in logic_in(c.source)]
    assert problems == [], f"{nb.name}: {problems}"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), f"{nb.name}: outputs"
