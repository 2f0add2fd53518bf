"""The validated-dataset cache (cpanalysis/ssda903/cache.py): a cached load gives the same tables, findings,
accounting and file inventory as loading afresh; a changed input file, or another set of files, is a new key; a
load of some tables only gives those tables exactly as a full load has them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cpanalysis.ssda903 import cache, load


def _same(a, b) -> None:
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a[name], b[name])
    for frame in ("quality", "accounting", "files"):
        pd.testing.assert_frame_equal(getattr(a, frame), getattr(b, frame))


@pytest.fixture
def sample(d2i_sample: Path, tmp_path: Path) -> Path:
    """Two years of the demand-model sample, copied (so a test may change a file)."""
    folder = tmp_path / "data"
    folder.mkdir()
    for f in d2i_sample.glob("202[01]-*.csv"):
        shutil.copy(f, folder / f.name)
    return folder


def test_cached_load_is_the_load(sample: Path, tmp_path: Path):
    fresh = load(sample)
    first = load(sample, cache=tmp_path / "cache")  # computes and stores
    again = load(sample, cache=tmp_path / "cache")  # reads the parquet files
    assert len(list((tmp_path / "cache").iterdir())) == 1
    assert not fresh.quality.empty  # the sample has findings: they come back from the cache too
    _same(first, fresh)
    _same(again, fresh)
    assert again.source == sample


def test_undated_files_and_xml_come_back_the_same(d2i_validator: Path, tmp_path: Path):
    """Years inferred from the dates (a year_inferred finding each) and an XML return."""
    xml = d2i_validator / "fake_903.xml"
    for source in (d2i_validator / "episodes.csv", xml):
        fresh = load(source)
        load(source, cache=tmp_path / "cache")
        _same(load(source, cache=tmp_path / "cache"), fresh)


def test_a_changed_file_is_loaded_again(sample: Path, tmp_path: Path):
    before = load(sample, cache=tmp_path / "cache")
    episodes = sample / "2021-episodes.csv"
    lines = episodes.read_text().splitlines(keepends=True)
    episodes.write_text("".join(lines[:-1]))  # one episode fewer
    after = load(sample, cache=tmp_path / "cache")
    assert len(list((tmp_path / "cache").iterdir())) == 2
    assert after.files.loc[after.files["file"] == "2021-episodes.csv", "rows"].item() == len(lines) - 2
    assert after.files["sha256"].tolist() != before.files["sha256"].tolist()
    _same(after, load(sample))


def test_some_tables_only(sample: Path, tmp_path: Path):
    full = load(sample)
    some = ("episodes", "header")
    for partial in (load(sample, tables=some), load(sample, cache=tmp_path / "empty-cache", tables=some)):
        assert set(partial.tables) == set(some)
        for name in some:
            pd.testing.assert_frame_equal(partial[name], full[name])
        assert partial.years == full.years
    assert not (tmp_path / "empty-cache").exists()  # a partial load is not cached
    load(sample, cache=tmp_path / "cache")
    cached = load(sample, cache=tmp_path / "cache", tables=some)
    assert set(cached.tables) == set(some)
    pd.testing.assert_frame_equal(cached.quality, full.quality)  # read from the whole dataset's entry


def test_cache_folder_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    assert cache.default_folder() == tmp_path
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert cache.default_folder() is None
    monkeypatch.delenv(cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_folder() == tmp_path / "xdg" / "cpanalysis"


def test_what_a_dataset_derives_is_worked_out_once_per_tables(sample: Path, tmp_path: Path):
    """Dataset.derived (the periods of care the scorecard's quarters share): computed on first use, given back
    unchanged while the tables are the same frames, computed again once a table is replaced."""
    data = load(sample, cache=tmp_path / "store")
    calls = []

    def count() -> int:
        calls.append(1)
        return len(data["episodes"])

    first = data.derived("n", count)
    assert data.derived("n", count) == first and len(calls) == 1
    assert data.periods() is data.periods()
    assert data.periods()["PERIOD"].min() == 1
    data.tables["episodes"] = data["episodes"].iloc[:3]
    assert data.derived("n", count) == 3 and len(calls) == 2
    assert len(data.periods()) == 3
