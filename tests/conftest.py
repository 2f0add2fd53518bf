"""Shared test fixtures: the data sets shipped in tests/fixtures/ (a test never reads outside the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def external_dir() -> Path:
    """tests/fixtures/external: the two public fake 903 sets (MIT, Data to Insight), unchanged."""
    return FIXTURES / "external"


@pytest.fixture(scope="session")
def d2i_sample(external_dir: Path) -> Path:
    """Five yearly fake 903 extracts 2017..2021 (cs-demand-model's sample)."""
    return external_dir / "d2i-demand-model-sample"


@pytest.fixture(scope="session")
def d2i_validator(external_dir: Path) -> Path:
    """One year of fake 903 tables and the same as XML (csc-validator-be-903's fake data)."""
    return external_dir / "d2i-validator-fake"


@pytest.fixture(scope="session")
def dfe_dir() -> Path:
    """tests/fixtures/dfe: slices of the DfE's published files (Open Government Licence v3.0), made by
    tests/fixtures/dfe/make_slices.py."""
    return FIXTURES / "dfe"


@pytest.fixture(scope="session", autouse=True)
def _dataset_cache(tmp_path_factory: pytest.TempPathFactory):
    """The validated-dataset cache (cpanalysis/ssda903/cache.py) in a folder of this test session, never the
    user's ~/.cache; set in the environment, so command-line and notebook subprocesses use it too."""
    import os

    from cpanalysis.ssda903.cache import CACHE_ENV

    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("dataset-cache"))
    yield
    if previous is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = previous
