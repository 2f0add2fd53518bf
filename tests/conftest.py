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
