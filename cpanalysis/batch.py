"""The quarterly run: every notebook in notebooks/, in order, executed with papermill into one run folder.

    outputs/<period-end>_<timestamp>/
        committee_pack.html      the committee notebooks stitched into one page (code hidden, contents)
        committee_tables.xlsx    every committee table, a sheet each
        html/ notebooks/ figures/ tables/         committee material (small numbers suppressed)
        analyst/                 ANALYST ONLY: child-level data-quality material, never for the committee
        manifest.json            parameters, input hashes, versions, the constraints file's sha256, git commit,
                                 times, each notebook's status

A notebook is analyst-only when its metadata says `"cpanalysis": {"audience": "analyst"}`. A failing
notebook does not stop the run: its status, the failing cell and the error go into the manifest, the
other notebooks still run, and the exit code is 1.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import hashlib
import importlib.metadata as md
import json
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
from tqdm import tqdm

from cpanalysis.context import CACHE_ENV, is_synthetic, load_data, parse_date
from cpanalysis.errors import InputError
from cpanalysis.paths import NOTEBOOKS, OUTPUTS, PROJECT_ROOT

SHARED_PARAMETERS = ("data_dir", "period_end", "la_code", "period", "output_dir")
DEPENDENCIES = (
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "openpyxl",
    "scipy",
)
CONSTRAINTS_FILE = PROJECT_ROOT / "constraints.txt"  # the exact versions `make` installs (`make lock` remakes it)
ANALYST_WARNING = (
    "ANALYST ONLY. This folder holds child-level data-quality findings (the LA's own CHILD ids).\n"
    "Do not share it, attach it to committee papers or copy it outside the secure environment.\n"
)


@dataclass
class NotebookResult:
    name: str
    audience: str
    status: str = "not run"
    seconds: float = 0.0
    error: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)


def audience(nb_path: Path) -> str:
    """'analyst' or 'committee', from the notebook's metadata."""
    meta = nbformat.read(nb_path, as_version=4).metadata.get("cpanalysis", {})
    return meta.get("audience", "committee")


def parse_overrides(pairs: list[list[str]] | None) -> dict[str, dict[str, str]]:
    """`-p name value` applies to every notebook that declares `name`; `-p 03_cost_projections.name value`
    only to that notebook. Returns {notebook stem or '*': {name: value}}."""
    out: dict[str, dict[str, str]] = {}
    for name, value in pairs or []:
        target, _, param = name.rpartition(".")
        out.setdefault(target or "*", {})[param] = value
    return out


def _typed(value, declared: dict) -> object:
    """Convert a command-line string to the type of the notebook's parameter (int, float, bool): its annotation if
    it has one, else the type of its default value (`simulations = 500` -> int)."""
    inferred = declared.get("inferred_type_name", "")
    if not isinstance(value, str):
        return value
    if inferred in ("", "None"):
        try:
            inferred = type(ast.literal_eval(declared.get("default", ""))).__name__
        except (ValueError, SyntaxError):
            inferred = ""
    try:
        if inferred == "int":
            return int(value)
        if inferred == "float":
            return float(value)
        if inferred == "bool":
            return value.strip().lower() in ("1", "true", "yes")
    except ValueError as exc:
        raise InputError(f"parameter {declared.get('name')}: '{value}' is not a {inferred}") from exc
    return value


def notebook_parameters(nb_path: Path, shared: dict, overrides: dict[str, dict[str, str]]) -> dict:
    """The parameters to pass a notebook: the shared ones it declares, then the overrides it declares."""
    import papermill

    declared = papermill.inspect_notebook(str(nb_path))
    wanted = {**shared, **overrides.get("*", {}), **overrides.get(nb_path.stem, {})}
    unknown = set(overrides.get(nb_path.stem, {})) - set(declared)
    if unknown:
        raise InputError(
            f"{nb_path.name} has no parameter {', '.join(sorted(unknown))} (it declares: {', '.join(declared)})"
        )
    return {k: _typed(v, declared[k]) for k, v in wanted.items() if k in declared and v is not None}


def versions() -> dict[str, str]:
    out = {}
    for name in ("cpanalysis", *DEPENDENCIES):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "not installed"
    return out


def constraints(path: Path = CONSTRAINTS_FILE) -> dict:
    """The constraints file the environment was meant to be built from: its sha256, and every pinned package
    (`name==version` lines) whose installed version differs from the pin ({} when the environment matches it)."""
    if not path.exists():
        return {"file": path.name, "sha256": None, "differs": None}
    text = path.read_bytes()
    differs = {}
    for line in text.decode("utf-8").splitlines():
        name, sep, pinned = line.partition("#")[0].strip().partition("==")
        if not sep:
            continue
        try:
            installed = md.version(name)
        except md.PackageNotFoundError:
            installed = "not installed"
        if installed != pinned:
            differs[name] = {"pinned": pinned, "installed": installed}
    return {"file": path.name, "sha256": hashlib.sha256(text).hexdigest(), "differs": differs}


def git_commit() -> str | None:
    try:
        res = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


def _error_summary(exc: Exception) -> dict:
    """The failing cell and the error, not a wall of traceback."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return {
            "cell": exc.exec_count,
            "cell_index": exc.cell_index,
            "error": exc.ename,
            "message": exc.evalue,
            "source": exc.source[:500],
        }
    return {"error": type(exc).__name__, "message": str(exc)[:1000]}


def export_html(nb: nbformat.NotebookNode, path: Path, title: str) -> Path:
    """Self-contained HTML (images embedded) with the code hidden, for readers."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")
    return path


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def stitch(executed: list[Path], path: Path, heading: str) -> Path:
    """One HTML page from several executed notebooks: a contents list, then each notebook's outputs."""
    parts = [(p, nbformat.read(p, as_version=4)) for p in executed]
    contents = "\n".join(f"{i}. [{_title(nb, p.stem)}](#part-{i})" for i, (p, nb) in enumerate(parts, 1))
    cells = [nbformat.v4.new_markdown_cell(f"# {heading}\n\n## Contents\n\n{contents}")]
    for i, (_, nb) in enumerate(parts, 1):
        cells.append(nbformat.v4.new_markdown_cell(f'<a id="part-{i}"></a>\n\n---'))
        cells += [
            c
            for c in nb.cells
            if "parameters" not in c.metadata.get("tags", [])
            and "injected-parameters" not in c.metadata.get("tags", [])
        ]
    book = nbformat.v4.new_notebook(cells=cells, metadata=parts[0][1].metadata if parts else {})
    return export_html(book, path, heading)


def gather_tables(tables_dir: Path, path: Path) -> Path | None:
    """Every CSV under tables_dir as one sheet of an XLSX workbook (sheet names cut to Excel's 31 characters)."""
    csvs = sorted(tables_dir.glob("*.csv"))
    if not csvs:
        return None
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        used: set[str] = set()
        for csv in csvs:
            sheet = csv.stem[:31]
            n = 1
            while sheet in used:
                n += 1
                sheet = f"{csv.stem[:28]}_{n}"
            used.add(sheet)
            pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(xl, sheet_name=sheet, index=False)
    return path


@contextlib.contextmanager
def _shared_data_folder():
    """A private temporary folder for the loaded data, named in context.CACHE_ENV for the notebooks' kernels
    while the run lasts; removed, and the variable restored, when it ends. Used as run's decorator."""
    previous = os.environ.get(CACHE_ENV)
    with tempfile.TemporaryDirectory(prefix="cpanalysis-data-") as folder:
        os.environ[CACHE_ENV] = folder
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = previous


@_shared_data_folder()
def run(
    data_dir: str | Path | None = None,
    period_end: str | None = None,
    la_code: str | None = "E06000049",
    period: str = "quarter",
    out: str | Path | None = None,
    overrides: dict[str, dict[str, str]] | None = None,
    notebooks_dir: str | Path | None = None,
    progress: bool = True,
) -> tuple[Path, dict]:
    """Execute every notebook into a new run folder; return the folder and the manifest (see module doc). The
    loaded data are shared with the notebooks' kernels through a private temporary folder (_shared_data_folder):
    at national size each notebook would otherwise spend most of its time loading."""
    import papermill

    started = time.time()
    if not data_dir:
        from cpanalysis.synth import ensure_default

        data_dir = ensure_default()
    data_dir = Path(data_dir).expanduser().resolve()
    data = load_data(data_dir)
    end = parse_date(period_end, "period_end") if period_end else data.data_end
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    run_dir = Path(out or OUTPUTS).expanduser().resolve() / f"{end:%Y-%m-%d}_{stamp}"
    analyst_dir = run_dir / "analyst"
    for d in (run_dir / "notebooks", run_dir / "html", analyst_dir / "notebooks", analyst_dir / "html"):
        d.mkdir(parents=True, exist_ok=True)
    (analyst_dir / "ANALYST_ONLY.txt").write_text(ANALYST_WARNING)
    nb_paths = sorted(Path(notebooks_dir or NOTEBOOKS).glob("[0-9]*.ipynb"))
    if not nb_paths:
        raise InputError(f"{notebooks_dir or NOTEBOOKS}: no notebooks to run")
    shared = {"data_dir": str(data_dir), "period_end": f"{end:%Y-%m-%d}", "la_code": la_code or "", "period": period}
    results: list[NotebookResult] = []
    bar = tqdm(nb_paths, desc="committee pack", unit="notebook", disable=not progress)
    for nb_path in bar:
        bar.set_postfix_str(nb_path.stem)
        res = NotebookResult(nb_path.stem, audience(nb_path))
        base = analyst_dir if res.audience == "analyst" else run_dir
        executed = base / "notebooks" / nb_path.name
        t0 = time.time()
        try:
            res.parameters = notebook_parameters(nb_path, {**shared, "output_dir": str(base)}, overrides or {})
            papermill.execute_notebook(
                str(nb_path),
                str(executed),
                parameters=res.parameters,
                kernel_name="python3",
                progress_bar=progress,
                cwd=str(nb_path.parent),
            )
            res.status = "ok"
        except Exception as exc:  # a failing notebook must not stop the others: record it and go on
            res.status = "failed"
            res.error = _error_summary(exc)
        res.seconds = round(time.time() - t0, 2)
        if executed.exists():
            nb = nbformat.read(executed, as_version=4)
            export_html(nb, base / "html" / f"{nb_path.stem}.html", _title(nb, nb_path.stem))
        results.append(res)

    committee = [
        run_dir / "notebooks" / f"{r.name}.ipynb"
        for r in results
        if r.audience == "committee" and (run_dir / "notebooks" / f"{r.name}.ipynb").exists()
    ]
    if committee:
        synthetic = " (SYNTHETIC DATA)" if is_synthetic(data_dir) else ""
        stitch(
            committee,
            run_dir / "committee_pack.html",
            f"Corporate Parenting Committee pack, period to {end:%d %B %Y}{synthetic}",
        )
    gather_tables(run_dir / "tables", run_dir / "committee_tables.xlsx")
    gather_tables(analyst_dir / "tables", analyst_dir / "analyst_tables.xlsx")

    manifest = {
        "run": run_dir.name,
        "started": dt.datetime.fromtimestamp(started).isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 2),
        "parameters": {**shared, "overrides": overrides or {}},
        "inputs": data.files.to_dict(orient="records"),  # file, table, year, rows, sha256
        "synthetic_data": is_synthetic(data_dir),
        "versions": versions(),
        "constraints": constraints(),
        "git_commit": git_commit(),
        "notebooks": [vars(r) for r in results],
        "failed": [r.name for r in results if r.status != "ok"],
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    return run_dir, manifest
