"""`cpanalysis deep-dive NAME`: one deep-dive notebook (06-08) executed on its own into a standalone paper.

    <out>/deep_dive_<name>_<period-end>_<timestamp>/
        <name>.html        the paper: summary paragraph at the top, charts, tables, definitions, caveats (code hidden)
        <name>.pdf         the same, when the pack's PDF route (cpanalysis.pdf.html_to_pdf) is installed
        notebook.ipynb     the executed notebook
        figures/ tables/   its figures (PNG, SVG) and tables (CSV)

The notebook runs static (no widgets: CPANALYSIS_STATIC=1) with the pack's disclosure control, and the paper is
checked for child identifiers before it is written (disclosure.assert_no_identifiers).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import nbformat

from cpanalysis.batch import (
    DEEP_DIVE,
    NotebookResult,
    _execute,
    _title,
    _unix_socket_kernels,
    audience,
    export_html,
    notebook_parameters,
)
from cpanalysis.context import is_synthetic, load_data, parse_date
from cpanalysis.disclosure import assert_no_identifiers
from cpanalysis.errors import InputError
from cpanalysis.paths import NOTEBOOKS, OUTPUTS

PAPERS = {
    "stability": "06_deep_dive_stability",
    "permanence": "07_deep_dive_permanence",
    "sufficiency": "08_placement_sufficiency",
}


def notebook_for(name: str, notebooks_dir: str | Path | None = None) -> Path:
    """The deep-dive notebook called `name` (stability, permanence, sufficiency, or a notebook's stem)."""
    folder = Path(notebooks_dir or NOTEBOOKS)
    stem = PAPERS.get(name, name)
    path = folder / f"{stem}.ipynb"
    if not path.exists() or audience(path) != DEEP_DIVE:
        raise InputError(f"no deep dive called '{name}' (choose one of: {', '.join(PAPERS)})")
    return path


def write_paper(
    name: str,
    data_dir: str | Path | None = None,
    period_end: str | None = None,
    la_code: str | None = "E06000049",
    out: str | Path | None = None,
    overrides: dict[str, dict[str, str]] | None = None,
    notebooks_dir: str | Path | None = None,
) -> Path:
    """Execute one deep dive and write its paper (module doc); returns the paper's HTML path. A failing notebook
    stops with InputError naming the cell and the error."""
    nb_path = notebook_for(name, notebooks_dir)
    if not data_dir:
        from cpanalysis.synth import ensure_default

        data_dir = ensure_default()
    data_dir = Path(data_dir).expanduser().resolve()
    data = load_data(data_dir)
    end = parse_date(period_end, "period_end") if period_end else data.data_end
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    short = next((k for k, v in PAPERS.items() if v == nb_path.stem), nb_path.stem)
    folder = Path(out or OUTPUTS).expanduser().resolve() / f"deep_dive_{short}_{end:%Y-%m-%d}_{stamp}"
    folder.mkdir(parents=True)
    shared = {
        "data_dir": str(data_dir),
        "period_end": f"{end:%Y-%m-%d}",
        "la_code": la_code or "",
        "period": "quarter",
        "output_dir": str(folder),
    }
    params = notebook_parameters(nb_path, shared, overrides or {})
    executed = folder / "notebook.ipynb"
    previous = os.environ.get("CPANALYSIS_STATIC")
    os.environ["CPANALYSIS_STATIC"] = "1"
    res = NotebookResult(nb_path.stem, DEEP_DIVE, parameters=params)
    try:
        with tempfile.TemporaryDirectory(prefix="cpanalysis-kernel-") as sockets:  # a kernel as the batch's own
            _execute(nb_path, executed, res, False, _unix_socket_kernels(sockets))
    finally:
        if previous is None:
            os.environ.pop("CPANALYSIS_STATIC", None)
        else:
            os.environ["CPANALYSIS_STATIC"] = previous
    if res.status == "failed":  # one readable message, not the kernel's traceback
        err = res.error
        where = f" in cell {err['cell']}" if err.get("cell") is not None else ""
        raise InputError(f"deep dive '{name}' failed{where}: {err['error']}: {err['message']}")
    nb = nbformat.read(executed, as_version=4)
    nb.cells = [c for c in nb.cells if not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
    title = _title(nb, short)
    if is_synthetic(data_dir):
        title += " (SYNTHETIC DATA)"
    html = folder / f"{short}.html"
    export_html(nb, html, title)
    text = re.sub(r"data:image/[^\"')]+", "", html.read_text(encoding="utf-8"))  # what a reader sees, not images
    try:
        assert_no_identifiers(text, set(data["header"]["CHILD"].astype(str)), where=f"the {short} paper")
    except InputError:
        html.unlink()  # a paper that would identify a child is not left behind
        raise
    try:
        from cpanalysis.pdf import html_to_pdf  # the pack's PDF route (issue 14), when installed
    except ImportError:
        return html
    html_to_pdf(html, html.with_suffix(".pdf"))
    return html
