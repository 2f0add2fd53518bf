"""`load(path)`: 903 extracts -> one validated, de-duplicated Dataset and its data-quality table.

Consecutive years' files overlap: the same episode (CHILD + DECOM) appears in every return for which it
was open. The loader keeps one version of each record, the latest collection year's. An earlier copy that
matches it (or only lacked the end date the later return supplies: DEC/REC, DATE_PLACED_CEASED,
MIS_END) counts as *used*; an earlier copy that
the later return changed counts as *rejected* with rule `superseded`, and the message lists what changed.
An episode still open at the end of a year that the next year's return no longer holds is rejected as
`withdrawn`. OC2 and OC3 describe a year each, so every year's rows are kept.

Row accounting: for every input file (and table, for XML), rows read = used + rejected, where used
includes rows kept after a correction; `Dataset.accounting` shows it and `Dataset.quality` holds the reason
for every rejection and correction.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.periods import episodes_with_periods
from cpanalysis.ssda903 import cache as dataset_cache
from cpanalysis.ssda903 import findings
from cpanalysis.ssda903.clean import check_columns, clean, clean_files, infer_year, year_fits
from cpanalysis.ssda903.discover import Source, discover
from cpanalysis.ssda903.read import read_csv, read_xlsx, read_xml
from cpanalysis.ssda903.rules.core import year_end_of
from cpanalysis.ssda903.schema import FIRST_YEAR, TABLES, year_end, year_label, year_start
from cpanalysis.ssda903.validate import Validation, empty_table, workers_for

PER_YEAR_TABLES = ("oc2", "oc3")
T = TypeVar("T")


@dataclass(frozen=True)
class Dataset:
    """Loaded 903 data: tables, the data-quality table, per-file row accounting and the file inventory."""

    tables: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    accounting: pd.DataFrame
    files: pd.DataFrame
    source: Path
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """compute(), worked out once for this dataset's tables as they are (`key` names what it is): what several
        measures or periods share (the scorecard's quarters) is computed once. Worked out again if a table is
        replaced."""
        tables = tuple(self.tables.values())
        held = self._memo.get(key)
        if held is None or len(held[0]) != len(tables) or any(a is not b for a, b in zip(held[0], tables)):
            held = (tables, compute())
            self._memo[key] = held
        return held[1]

    def periods(self) -> pd.DataFrame:
        """The episodes with their periods of care and placements (cpanalysis.periods.episodes_with_periods), worked
        out once (derived)."""
        return self.derived("periods", lambda: episodes_with_periods(self.tables["episodes"]))

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.files["year"].dropna().unique())

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        return self.years[-1]

    @property
    def data_start(self) -> pd.Timestamp:
        """1 April of the first collection year: the earliest date the data speaks for in full."""
        return pd.Timestamp(year_start(self.first_year))

    @property
    def data_end(self) -> pd.Timestamp:
        """31 March of the last collection year: the latest date the data speaks for."""
        return pd.Timestamp(year_end(self.last_year))

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]


@dataclass
class _Part:
    source: Source
    label: str
    table: str
    raw: pd.DataFrame
    year: int | None


def _sha256(path: Path) -> str:
    """The file's SHA-256 ('' when it cannot be read: reading it then says why)."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


def _read(sources: list[Source], root: Path) -> list[_Part]:
    parts = []
    for src in sources:
        label = _label(src.path, root)
        if src.fmt == "csv":
            parts.append(_Part(src, label, src.table, read_csv(src.path), src.year))
        elif src.fmt == "xlsx":
            parts.append(_Part(src, f"{label} [{src.sheet}]", src.table, read_xlsx(src.path, src.sheet), src.year))
        else:
            for table, raw in read_xml(src.path).items():
                if len(raw):
                    parts.append(_Part(src, label, table, raw, src.year))
    for p in parts:
        check_columns(p.raw, TABLES[p.table], p.label)
        if p.table == "episodes" and p.raw.empty:
            raise InputError(
                f"{p.label}: the episodes table has no data rows (only its header): read as it stands, every "
                "episode open at the end of the previous year would count as withdrawn; remove the file or "
                "export the year's episodes again"
            )
    return parts


def _content(p: _Part) -> pd.DataFrame:
    return p.raw.drop(columns="SOURCE_ROW").reset_index(drop=True)


def _conflicts(parts: list[_Part]) -> tuple[list[_Part], list[pd.DataFrame]]:
    """One source per table and year: an identical second copy is left out (and said); two different
    ones stop the load, naming both (never a silent choice)."""
    kept: dict[tuple[str, int], _Part] = {}
    notes = []
    for p in parts:
        first = kept.get((p.table, p.year))
        if first is None:
            kept[(p.table, p.year)] = p
        elif _content(first).equals(_content(p)):
            notes.append(
                findings.file_level(
                    p.label,
                    p.year,
                    p.table,
                    "",
                    "duplicate_file",
                    "info",
                    f"the same {p.table} rows as {first.label}: left out as a second copy",
                )
            )
        else:
            raise InputError(
                f"two different {p.table} tables for the {year_label(p.year)} collection: {first.label} and "
                f"{p.label}; keep the one that was submitted (or put them in separate folders by year)"
            )
    return list(kept.values()), notes


def _assign_years(parts: list[_Part]) -> list[pd.DataFrame]:
    """Give undated files the year their data show (per folder), with an info finding saying so."""
    notes = []
    folders = {p.source.path.parent for p in parts if p.year is None}
    for folder in folders:
        group = [p for p in parts if p.year is None and p.source.path.parent == folder]
        eps = next((p.raw for p in group if p.table == "episodes"), None)
        inferred = infer_year(eps, [p.raw[[c for c in TABLES[p.table].dates if c in p.raw]] for p in group])
        if inferred is None:
            raise InputError(
                f"{folder}: cannot tell which collection year {', '.join(p.label for p in group)} "
                "belong to (no readable dates): put the year in the file or folder name, e.g. 2019-episodes.csv"
            )
        year, why = inferred
        for p in group:
            p.year = year
            notes.append(
                findings.file_level(
                    p.label,
                    year,
                    p.table,
                    "",
                    "year_inferred",
                    "info",
                    f"collection year {year_label(year)} inferred from the dates: {why} (the file name does not say)",
                )
            )
    notes += _check_named_years(parts)
    for p in parts:
        if p.year < FIRST_YEAR - 2:
            raise InputError(
                f"{p.label}: collection year {p.year} is before the 903 formats cpanalysis reads "
                f"({year_label(FIRST_YEAR)} onwards)"
            )
    return notes


def _check_named_years(parts: list[_Part]) -> list[pd.DataFrame]:
    """Some extracts name a year's files by the year the collection *starts* ('2017' for 2017/18). Where a
    folder's episodes fit the following collection years better than the named ones, read every file of
    that folder one year on, and say so."""
    notes = []
    for folder in {p.source.path.parent for p in parts}:
        group = [p for p in parts if p.source.path.parent == folder]
        eps = [p for p in group if p.table == "episodes"]
        fits = [year_fits(p.raw, [p.year, p.year + 1]) for p in eps]
        as_named = sum(fit[p.year] for fit, p in zip(fits, eps))
        one_on = sum(fit[p.year + 1] for fit, p in zip(fits, eps))
        if eps and one_on > as_named:
            for p in group:
                notes.append(
                    findings.file_level(
                        p.label,
                        p.year + 1,
                        p.table,
                        "",
                        "year_named_by_start",
                        "warning",
                        f"named {p.year} but its episodes run 1 April {p.year} - 31 March {p.year + 1}: read as the "
                        f"{year_label(p.year + 1)} collection ({one_on} episodes fit that year, {as_named} "
                        f"fit {year_label(p.year)})",
                    )
                )
                p.year += 1
    return notes


def _describe_changes(old: pd.DataFrame, new: pd.DataFrame, columns: list[str]) -> pd.Series:
    msg = pd.Series("", index=old.index, dtype=object)
    for col in columns:
        a, b = old[col], new[col]
        changed = ~((a == b).fillna(False) | (a.isna() & b.isna()))
        if changed.any():  # only the changed values written out (strftime is per element)
            a, b = a[changed], b[changed]
            fa = a.dt.strftime("%d/%m/%Y") if a.dtype.kind == "M" else a.astype(object)
            fb = b.dt.strftime("%d/%m/%Y") if b.dtype.kind == "M" else b.astype(object)
            msg[changed] += col + " " + fa.fillna("blank").astype(str) + " -> " + fb.fillna("blank").astype(str) + "; "
    return msg.str.rstrip("; ")


def _concat(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else empty_table(table)


def _merge_years(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the latest collection year's version of each record; report what later returns changed."""
    spec = TABLES[table]
    key = list(spec.key) + (["YEAR"] if table in PER_YEAR_TABLES else [])
    frame = frame.sort_values(["YEAR", "SOURCE_FILE", "SOURCE_ROW"], kind="mergesort").reset_index(drop=True)
    latest = ~frame.duplicated(key, keep="last")
    kept, older = frame[latest], frame[~latest]
    del frame  # at national size a million rows: not held while the changes are described
    if older.empty:
        return kept, findings.empty()
    newer = older[key].merge(kept, on=key, how="left").set_axis(older.index)
    content = [c for c in spec.columns if c not in key]
    changes = _describe_changes(older[content], newer[content], content)
    if spec.closing:  # a record still open (e.g. blank DEC) and closed by a later return is not a correction
        still_open = older[spec.closing[0]].isna()
        stable = [c for c in content if c not in spec.closing]
        changes[still_open] = _describe_changes(older.loc[still_open, stable], newer.loc[still_open, stable], stable)
    corrected = changes.ne("")
    rows = older[corrected]
    message = (
        "replaced by the "
        + newer.loc[corrected, "YEAR"].map(year_label).astype(str)
        + " return ("
        + newer.loc[corrected, "SOURCE_FILE"]
        + " line "
        + newer.loc[corrected, "SOURCE_ROW"].astype(str)
        + "): "
        + changes[corrected]
    )
    return kept.sort_values(list(spec.key), kind="mergesort").reset_index(drop=True), findings.make(
        rows, table=table, column="", rule="superseded", severity="info", outcome="rejected", message=message
    )


def _withdrawn(eps: pd.DataFrame, years_with_episodes: set[int]) -> pd.Series:
    """Kept episodes open at the end of their year that the next year's return, which exists, left out."""
    if eps.empty:
        return pd.Series(False, index=eps.index)
    next_exists = (eps["YEAR"] + 1).isin(years_with_episodes)
    end = year_end_of(eps)
    return next_exists & (eps["DEC"].isna() | (eps["DEC"] > end))


def load(path: str | Path, cache: str | Path | None = None, tables: Collection[str] | None = None) -> Dataset:
    """Load, clean, de-duplicate and validate every 903 table under `path` (see module docstring).

    With `cache` (a folder, e.g. `cache.default_folder()`), a load of the same files (by content) by the same
    code is read from there instead, findings included; see cpanalysis/ssda903/cache.py.
    With `tables` (e.g. episodes and header for a projection), only those tables: from the cache when the whole
    dataset is there, else read, cleaned and de-duplicated as in a full load but not validated (the quality
    table then holds the cleaning findings only) and not cached.

    Raises InputError, naming the file and column, for a missing required column, an unreadable or
    empty file, or a folder with no 903 tables.
    """
    root = Path(path).expanduser()
    sources, skipped = discover(root)
    base = root.parent if root.is_file() else root
    hashes = {src.path: _sha256(src.path) for src in sources}
    k = None
    if cache is not None:
        k = dataset_cache.key(
            [(_label(s.path, base), s.table, s.year, s.fmt, s.sheet, hashes[s.path]) for s in sources],
            [(_label(p, base), reason) for p, reason in skipped],
            any(s.year is None for s in sources),
        )
        hit = dataset_cache.read(Path(cache), k, tables)
        if hit is not None:
            return Dataset(hit["tables"], hit["quality"], hit["accounting"], hit["files"], root)
    if tables is not None:
        return _load(root, base, [s for s in sources if s.table in (None, *tables)], skipped, hashes, tuple(tables))
    data = _load(root, base, sources, skipped, hashes)
    if k is not None:
        dataset_cache.write(
            Path(cache), k, data.tables, quality=data.quality, accounting=data.accounting, files=data.files
        )
    return data


def _label(path: Path, base: Path) -> str:
    return str(path.relative_to(base)) if path != base else path.name


def _load(
    root: Path,
    base: Path,
    sources: list[Source],
    skipped: list[tuple[Path, str]],
    hashes: dict[Path, str],
    only: tuple[str, ...] | None = None,
) -> Dataset:
    """The load itself (`only`: just these tables, not validated)."""
    parts = [p for p in _read(sources, base) if only is None or p.table in only]
    found = _assign_years(parts)
    parts, dup_notes = _conflicts(parts)
    found += dup_notes
    found += [findings.file_level(_label(p, base), None, "", "", "file_skipped", "info", r) for p, r in skipped]
    names = tuple(n for n in TABLES if only is None or n in only)
    by_table: dict[str, list[pd.DataFrame]] = {name: [] for name in names}
    returns: dict[int, dict[str, pd.DataFrame]] = {}
    read_counts = []
    inventory = []
    years_with_episodes = {p.year for p in parts if p.table == "episodes"}
    workers = workers_for(sum(len(p.raw) for p in parts if p.table == "episodes"))
    validation = None if only else Validation(workers)
    # a small extract (checked here, not on workers) is cleaned a table at a time, every year's file together; a
    # large one file by file, each year's return checked as soon as it is clean and its raw text freed as it goes
    cleaned = _clean_together(parts) if workers == 1 else None
    to_clean = Counter(p.year for p in parts)
    waiting = sorted(to_clean)  # years not yet handed to the validation, which takes them in order
    for i, p in enumerate(parts):
        rows, notes = cleaned[i] if cleaned else clean(p.raw, p.table, p.label, p.year)
        found.append(notes)
        by_table[p.table].append(rows)
        read_counts.append((p.label, p.table, p.year, len(p.raw)))
        inventory.append((p.label, p.table, p.year, len(p.raw), hashes[p.source.path]))
        p.raw = p.raw.iloc[:0]  # the text as read is cleaned: free it (a national extract's is 1 GB of str objects)
        if validation is None:
            continue
        returns.setdefault(p.year, {})[p.table] = rows  # each year's return as submitted
        to_clean[p.year] -= 1
        while waiting and not to_clean[waiting[0]]:  # a year cleaned: checked while the next ones are cleaned
            year = waiting.pop(0)
            for name in TABLES:
                returns[year].setdefault(name, empty_table(name))
            validation.add(year, returns[year], returns.pop(year - 1, None))  # last year's: not needed again

    tables = {}
    for name in names:  # handed over (popped): unless `returns` keeps them to validate, the years' frames go
        tables[name], notes = _merge_years(name, _concat(by_table.pop(name), name))
        found.append(notes)
    if "episodes" in tables:
        tables["episodes"], notes = _drop_withdrawn(tables["episodes"], years_with_episodes)
        found.append(notes)
    if validation is not None:
        found.append(validation.finish(tables))
    quality = findings.concat(found)
    files = pd.DataFrame(inventory, columns=["file", "table", "year", "rows", "sha256"])
    return Dataset(tables, quality, _accounting(read_counts, quality), files, root)


def _clean_together(parts: list[_Part]) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """`clean` of each part (its rows and findings), every table's files cleaned together (clean_files)."""
    out: list = [None] * len(parts)
    for table in dict.fromkeys(p.table for p in parts):
        at = [i for i, p in enumerate(parts) if p.table == table]
        for i, result in zip(at, clean_files(table, [(parts[i].raw, parts[i].label, parts[i].year) for i in at])):
            out[i] = result
    return out


def _drop_withdrawn(eps: pd.DataFrame, years_with_eps: set[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The episodes without the withdrawn ones (`_withdrawn`), and the findings rejecting those."""
    gone = _withdrawn(eps, years_with_eps)
    year = eps.loc[gone, "YEAR"]
    notes = findings.make(
        eps[gone],
        table="episodes",
        column="",
        rule="withdrawn",
        severity="warning",
        outcome="rejected",
        message="open at 31 March "
        + year.astype(str)
        + " in the "
        + year.map(year_label).astype(str)
        + " return but absent from the "
        + (year + 1).map(year_label).astype(str)
        + " return: treated as withdrawn",
    )
    return eps[~gone].reset_index(drop=True), notes


def _accounting(read_counts: list[tuple], quality: pd.DataFrame) -> pd.DataFrame:
    """Per file and table: rows read, used (kept, including corrected), corrected, rejected."""
    acc = pd.DataFrame(read_counts, columns=["file", "table", "year", "rows_read"])
    rowq = quality.dropna(subset=["row"])
    rejected = rowq[rowq["outcome"] == "rejected"].drop_duplicates(["file", "table", "row"])
    corrected = rowq[rowq["outcome"] == "corrected"].drop_duplicates(["file", "table", "row"])
    corrected = corrected.merge(rejected[["file", "table", "row"]], how="left", indicator=True)
    corrected = corrected[corrected["_merge"] == "left_only"]
    n_rej = rejected.groupby(["file", "table"]).size().rename("rejected")
    n_cor = corrected.groupby(["file", "table"]).size().rename("corrected")
    acc = (
        acc.join(n_rej, on=["file", "table"]).join(n_cor, on=["file", "table"]).fillna({"rejected": 0, "corrected": 0})
    )
    acc["rejected"] = acc["rejected"].astype(int)
    acc["corrected"] = acc["corrected"].astype(int)
    acc["used"] = acc["rows_read"] - acc["rejected"]
    return acc[["file", "table", "year", "rows_read", "used", "corrected", "rejected"]]
