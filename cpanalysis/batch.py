"""The quarterly run: every notebook in notebooks/, in order, executed with papermill into one run folder.

    outputs/<period-end>_<timestamp>/
        committee_pack.html      the committee notebooks stitched into one page (code hidden, contents)
        committee_tables.xlsx    every committee table, a sheet each
        html/ notebooks/ figures/ tables/         committee material (small numbers suppressed)
        deep_dives/              the deep-dive papers (html/, notebooks/, figures/, tables/), small numbers suppressed
        analyst/                 ANALYST ONLY: child-level data-quality material, never for the committee
        manifest.json            parameters, input hashes, versions, the constraints file's sha256, git commit,
                                 times, each notebook's status

A notebook is analyst-only when its metadata says `"cpanalysis": {"audience": "analyst"}`. A deep dive
(`"audience": "deep-dive"`, notebooks 06-08) is a paper of its own: it goes to deep_dives/ (its HTML in
deep_dives/html/, its tables in deep_dives/tables/), disclosure-controlled like the pack but not stitched into
it. A failing notebook does not stop the run: its status, the failing cell and the error go into the manifest, the
other notebooks still run, and the exit code is 1.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import hashlib
import html
import importlib.metadata as md
import itertools
import json
import os
import re
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import zmq
from tqdm import tqdm

from cpanalysis.context import CACHE_ENV, check_codes, check_parameters, is_synthetic, load_data
from cpanalysis.errors import InputError
from cpanalysis.parallel import default_workers
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
    "weasyprint",
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


DEEP_DIVE = "deep-dive"


def audience(nb_path: Path) -> str:
    """'analyst', 'committee' or 'deep-dive', from the notebook's metadata (committee when it says nothing)."""
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


def check_overrides(
    nb_paths: list[Path], shared: dict, overrides: dict[str, dict[str, str]], output_dirs: dict[Path, str]
) -> dict[Path, dict]:
    """Every notebook's parameters, checked before any runs: a `-p NAME` that no notebook declares, a
    `-p NOTEBOOK.NAME` for a notebook that is not there or does not declare NAME, or a value of the wrong type is
    one InputError. Returns {notebook: its parameters}."""
    import papermill

    stems = {p.stem: p for p in nb_paths}
    unknown_nb = sorted(set(overrides) - {"*", *stems})
    if unknown_nb:
        raise InputError(f"-p {unknown_nb[0]}.…: there is no notebook {unknown_nb[0]} (notebooks: {', '.join(stems)})")
    declared = {p: papermill.inspect_notebook(str(p)) for p in nb_paths}
    every = sorted({name for d in declared.values() for name in d})
    for name in overrides.get("*", {}):
        if not any(name in d for d in declared.values()):
            raise InputError(f"-p {name}: no notebook declares a parameter {name} (they declare: {', '.join(every)})")
    return {p: notebook_parameters(p, {**shared, "output_dir": output_dirs[p]}, overrides) for p in nb_paths}


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


# The lab template without anything fetched from the network (require.js, MathJax, widget and mermaid scripts from
# a CDN), with the print stylesheet: the pack opens offline and prints on A4 (cpanalysis.pdf).
_OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style>{{ resources.print_css }}</style>{%- endblock html_head_css -%}
"""


def _committee_safe(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without what is for analysts only: error outputs (tracebacks), standard-error streams (warnings carry
    code and server paths) and papermill's error banners."""
    nb = nbformat.from_dict(nb)
    cells = []
    for c in nb.cells:
        if "papermill-error-cell-tag" in c.metadata.get("tags", []):
            continue
        if c.cell_type == "code":
            c.outputs = [
                o
                for o in c.get("outputs", [])
                if o.output_type != "error" and not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
        cells.append(c)
    nb.cells = cells
    return nb


def export_html(nb: nbformat.NotebookNode, path: Path, title: str) -> Path:
    """Self-contained HTML (images embedded) with the code hidden, for readers; no script or style is fetched from
    the network, and the print stylesheet lays it out on A4."""
    import jinja2
    from nbconvert import HTMLExporter

    from cpanalysis.pdf import PRINT_CSS

    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        extra_loaders=[jinja2.DictLoader({"cpanalysis_offline.html.j2": _OFFLINE_TEMPLATE})],
        template_file="cpanalysis_offline.html.j2",
    )
    nb = nbformat.from_dict(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"print_css": PRINT_CSS})
    path.write_text(body, encoding="utf-8")
    return path


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def stitch(executed: list[Path], path: Path, heading: str, failed: dict[str, str] | None = None) -> Path:
    """One HTML page from several executed notebooks: a contents list, then each notebook's outputs. `failed` maps
    the stem of a notebook that failed to its section title: the page then says INCOMPLETE at the top and names
    it, and that section holds only a note (its partial output, traceback and code stay in the analyst folder)."""
    failed = failed or {}
    parts = [(p, nbformat.read(p, as_version=4)) for p in executed]
    titles = {p.stem: _title(nb, p.stem) for p, nb in parts} | failed
    order = sorted({*titles}, key=lambda s: s)
    contents = "\n".join(f"{i}. [{titles[s]}](#part-{i})" for i, s in enumerate(order, 1))
    top = f'<h1 class="cp-first">{html.escape(heading)}</h1>\n\n'
    if failed:
        names = "; ".join(f"<strong>{html.escape(failed[s])}</strong>" for s in sorted(failed))
        top += (
            '<div class="cp-incomplete"><p><strong>INCOMPLETE: this pack is not for publication.</strong> '
            f"The section(s) {names} could not be produced in this run; the analyst has the details. "
            "Every other section is complete.</p></div>\n\n"
        )
    cells = [nbformat.v4.new_markdown_cell(f"{top}## Contents\n\n{contents}")]
    by_stem = {p.stem: nb for p, nb in parts}
    for i, stem in enumerate(order, 1):
        cells.append(nbformat.v4.new_markdown_cell(f'<a id="part-{i}"></a>'))
        if stem in failed:
            cells.append(
                nbformat.v4.new_markdown_cell(
                    f"# {failed[stem]}\n\n**INCOMPLETE: this section could not be produced in this run.** "
                    "No figure from it is shown; the analyst has the details."
                )
            )
            continue
        cells += [
            c
            for c in _committee_safe(by_stem[stem]).cells
            if "parameters" not in c.metadata.get("tags", [])
            and "injected-parameters" not in c.metadata.get("tags", [])
        ]
    meta = parts[0][1].metadata if parts else {}
    book = nbformat.v4.new_notebook(cells=cells, metadata=meta)
    return export_html(book, path, heading)


def gather_tables(tables_dir: Path, path: Path, source: str = "") -> Path | None:
    """Every CSV under tables_dir as one sheet of an XLSX workbook, after a contents sheet (cpanalysis.workbook)."""
    from cpanalysis.workbook import write_workbook

    return write_workbook(tables_dir, path, source)


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


def _unix_socket_kernels(folder: str) -> type | None:
    """nbclient's kernel manager, its kernel talking over Unix sockets in the private `folder` (ZMQ's ipc
    transport) instead of TCP ports on localhost. jupyter_client picks a TCP port by binding to port 0 and letting
    it go before the kernel binds it, so kernels started side by side (here or by any other process) can pick the
    same one (jupyter/jupyter_client#487: "Address already in use", then "Kernel didn't respond"); a socket file
    of its own cannot clash. None where ZMQ has no ipc transport (some Windows builds): the default, TCP, and the
    notebooks then run one at a time (run)."""
    from jupyter_client.manager import AsyncKernelManager

    if not zmq.has("ipc"):
        return None

    class UnixSocketKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(transport="ipc", ip=os.path.join(folder, f"kernel-{uuid.uuid4().hex[:12]}"), **kwargs)

        async def _async_interrupt_kernel(self) -> None:
            """Not when shutting the kernel down: jupyter_client interrupts a kernel before asking it to shut down,
            and a kernel whose notebook has finished has nothing to stop; the interrupt only made ipykernel log
            "ERROR | KeyboardInterrupt caught in kernel" in the run's output, for a run that was fine."""
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

    return UnixSocketKernelManager


def _execute(nb_path: Path, executed: Path, res: NotebookResult, progress: bool, kernels: type | None) -> None:
    """Run one notebook with papermill into `executed`, its kernel started by `kernels` (a kernel manager class,
    _unix_socket_kernels; None: nbclient's default); its status, error and time go into `res`. A failing
    notebook must not stop the others: the error is recorded, not raised."""
    import papermill

    t0 = time.time()
    try:
        papermill.execute_notebook(
            str(nb_path),
            str(executed),
            parameters=res.parameters,
            kernel_name="python3",
            progress_bar=progress,
            # the kernel starts in the notebooks' folder; not papermill's cwd=, which changes the whole process's
            # working directory and would race between notebooks run side by side
            resources={"metadata": {"path": str(nb_path.parent)}},
            **({"kernel_manager_class": kernels} if kernels else {}),
        )
        res.status = "ok"
    except Exception as exc:  # record it and go on
        res.status = "failed"
        res.error = _error_summary(exc)
    res.seconds = round(time.time() - t0, 2)


def _publish(nb_path: Path, res: NotebookResult, base: Path, analyst_dir: Path, for_committee: tuple) -> None:
    """The executed notebook as HTML in its audience's folder (`base`), made committee-safe there if `base` is in
    `for_committee`. A failed committee notebook goes to the analyst's folder instead, as FAILED_<name>: its
    traceback, code and paths are for the analyst only (the pack names the section as missing)."""
    executed = base / "notebooks" / nb_path.name
    if res.status == "failed" and res.audience == "committee":
        if executed.exists():
            executed = executed.replace(analyst_dir / "notebooks" / f"FAILED_{nb_path.name}")
        base = analyst_dir
    if executed.exists():
        nb = nbformat.read(executed, as_version=4)
        if base in for_committee:
            nb = _committee_safe(nb)
        export_html(nb, base / "html" / f"{executed.stem}.html", _title(nb, nb_path.stem))


def _committee_pack(done: dict[Path, NotebookResult], run_dir: Path, end, data_dir: Path) -> None:
    """The committee pack (HTML and PDF) from the committee notebooks (`done`: each one's result, published
    already): a failed one is named in the pack as a missing section (INCOMPLETE in its title)."""
    failed_sections = {
        p.stem: _title(nbformat.read(p, as_version=4), p.stem) for p, r in done.items() if r.status == "failed"
    }
    committee = [run_dir / "notebooks" / p.name for p in done if (run_dir / "notebooks" / p.name).exists()]
    if committee or failed_sections:
        synthetic = " (SYNTHETIC DATA)" if is_synthetic(data_dir) else ""
        incomplete = "INCOMPLETE: " if failed_sections else ""
        pack = stitch(
            committee,
            run_dir / "committee_pack.html",
            f"{incomplete}Corporate Parenting Committee pack, period to {end:%d %B %Y}{synthetic}",
            failed_sections,
        )
        from cpanalysis.pdf import html_to_pdf

        html_to_pdf(pack, run_dir / "committee_pack.pdf")


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
    workers: int | None = None,
) -> tuple[Path, dict]:
    """Execute every notebook into a new run folder; return the folder and the manifest (see module doc). The
    loaded data are shared with the notebooks' kernels through a private temporary folder (_shared_data_folder):
    at national size each notebook would otherwise spend most of its time loading. The notebooks run `workers`
    at a time (default one a CPU, parallel.default_workers), each in its own kernel (_unix_socket_kernels); the
    pack keeps their order."""
    started = time.time()
    check_codes(la_code, period)
    if not data_dir:
        from cpanalysis.synth import ensure_default

        data_dir = ensure_default()
    data_dir = Path(data_dir).expanduser().resolve()
    nb_paths = sorted(Path(notebooks_dir or NOTEBOOKS).glob("[0-9]*.ipynb"))
    if not nb_paths:
        raise InputError(f"{notebooks_dir or NOTEBOOKS}: no notebooks to run")
    data = load_data(data_dir)
    end, _ = check_parameters(data, period_end, la_code, period)
    shared = {"data_dir": str(data_dir), "period_end": f"{end:%Y-%m-%d}", "la_code": la_code or "", "period": period}
    audiences = {p: audience(p) for p in nb_paths}
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    run_dir = Path(out or OUTPUTS).expanduser().resolve() / f"{end:%Y-%m-%d}_{stamp}"
    analyst_dir = run_dir / "analyst"
    deep_dir = run_dir / "deep_dives"
    base_of = {p: {"analyst": analyst_dir, DEEP_DIVE: deep_dir}.get(audiences[p], run_dir) for p in nb_paths}
    params = check_overrides(nb_paths, shared, overrides or {}, {p: str(base_of[p]) for p in nb_paths})
    # every parameter is good: only now is the run folder made
    for base, sub in itertools.product({run_dir, analyst_dir, *base_of.values()}, ("notebooks", "html")):
        (base / sub).mkdir(parents=True, exist_ok=True)
    (analyst_dir / "ANALYST_ONLY.txt").write_text(ANALYST_WARNING)
    bar = tqdm(total=len(nb_paths), desc="committee pack", unit="notebook", disable=not progress)
    kernels = _unix_socket_kernels(os.environ[CACHE_ENV])
    workers = workers or (default_workers() if kernels else 1)  # on TCP one at a time (_unix_socket_kernels)
    one = workers == 1  # papermill's own cell-by-cell bar only when they run one by one

    def execute(nb_path: Path) -> NotebookResult:
        res = NotebookResult(nb_path.stem, audiences[nb_path], parameters=params[nb_path])
        _execute(nb_path, base_of[nb_path] / "notebooks" / nb_path.name, res, progress and one, kernels)
        bar.set_postfix_str(nb_path.stem)
        bar.update()
        return res

    committee_paths = [p for p in nb_paths if audiences[p] == "committee"]
    with ThreadPoolExecutor(max(1, min(workers, len(nb_paths)))) as pool:
        futures = {p: pool.submit(execute, p) for p in nb_paths}  # each in its own kernel: they share only the data
        # the pack is stitched and printed as soon as its own notebooks are done, while the rest still run
        for p in committee_paths:
            _publish(p, futures[p].result(), base_of[p], analyst_dir, (run_dir, deep_dir))
        _committee_pack({p: futures[p].result() for p in committee_paths}, run_dir, end, data_dir)
        results = [futures[p].result() for p in nb_paths]
    bar.close()
    for nb_path, res in zip(nb_paths, results):
        if nb_path not in committee_paths:
            _publish(nb_path, res, base_of[nb_path], analyst_dir, (run_dir, deep_dir))
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
