"""The validated-dataset cache: a loaded Dataset's tables, data-quality table (every finding), accounting and file
inventory as parquet files, one folder per key. The key is a hash of the input files' contents (SHA-256 of each),
how they were discovered (names, tables, years, formats, sheets, skipped files), the cpanalysis code that loaded
them and the pandas and pyarrow versions; so a changed input, a new rule or an upgrade never reads a stale
result. Where a file's collection year is inferred from its dates, today's date is part of the key too (the
inference ignores future dates).

Where: the folder named by the environment variable CPANALYSIS_CACHE (`off` or empty: no cache), else
$XDG_CACHE_HOME/cpanalysis (default ~/.cache/cpanalysis). A folder is written under a temporary name and renamed,
so a reader never sees half of one.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from cpanalysis.ssda903.schema import TEXT

CACHE_ENV = "CPANALYSIS_CACHE"
FORMAT = 1  # bump when the stored layout changes
_FRAMES = ("quality", "accounting", "files")


def default_folder() -> Path | None:
    """The cache folder (see the module docstring), None when caching is off."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return None if value.strip().lower() in ("", "off", "0", "no") else Path(value).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cpanalysis"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of every module of the cpanalysis package and the pandas and pyarrow versions."""
    import pyarrow

    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"{FORMAT} {pd.__version__} {pyarrow.__version__}".encode())
    for f in sorted(package.rglob("*.py")):
        h.update(str(f.relative_to(package)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def key(inputs: list[tuple], skipped: list[tuple], undated: bool) -> str:
    """The cache key of one load: `inputs` (label, table, year, format, sheet, sha256 per source), `skipped`
    (label, reason per file left out) and whether a year is inferred from the dates (today then counts)."""
    today = dt.date.today().isoformat() if undated else ""
    return hashlib.sha256(repr((code_fingerprint(), inputs, skipped, today)).encode()).hexdigest()[:40]


def _kinds(frame: pd.DataFrame) -> dict[str, str]:
    return {c: "text" if frame[c].dtype == TEXT else str(frame[c].dtype) for c in frame.columns}


def _restore(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """The dtypes the frame had when stored (parquet reads text back as object, integers with blanks as float)."""
    for col, kind in kinds.items():
        s = frame[col]
        if kind == "text":
            frame[col] = s.astype(TEXT)
        elif kind == "object" and s.dtype.kind == "f":
            frame[col] = pd.Series([None if pd.isna(v) else int(v) for v in s], index=s.index, dtype=object)
        elif kind != str(s.dtype):
            frame[col] = s.astype(kind)
    return frame


def read(folder: Path, k: str, tables: Collection[str] | None = None) -> dict[str, object] | None:
    """{'tables': {...}, 'quality', 'accounting', 'files'} stored under key `k` (of its tables, only `tables` when
    given), or None when there is none."""
    entry = folder / k
    manifest = entry / "manifest.json"
    if not manifest.exists():
        return None
    kinds = json.loads(manifest.read_text(encoding="utf-8"))
    wanted = [n for n in kinds if tables is None or n in tables or n in _FRAMES]
    frames = {name: _restore(pd.read_parquet(entry / f"{name}.parquet"), kinds[name]) for name in wanted}
    out: dict[str, object] = {name: frames.pop(name) for name in _FRAMES}
    out["tables"] = frames
    return out


def write(folder: Path, k: str, tables: dict[str, pd.DataFrame], **frames: pd.DataFrame) -> None:
    """Store a loaded Dataset's tables and its `quality`, `accounting` and `files` frames under key `k`
    (silently not, when the folder cannot be written: the cache only saves time)."""
    entry = folder / k
    part = folder / f"{k}.{os.getpid()}.part"
    try:
        part.mkdir(parents=True, exist_ok=True)
        everything = {**tables, **frames}
        for name, frame in everything.items():
            frame.to_parquet(part / f"{name}.parquet")
        kinds = {name: _kinds(frame) for name, frame in everything.items()}
        (part / "manifest.json").write_text(json.dumps(kinds), encoding="utf-8")
        part.rename(entry)
    except OSError:
        shutil.rmtree(part, ignore_errors=True)
