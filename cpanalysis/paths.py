"""Where the project's reference data, embedded synthetic data and outputs live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("CPANALYSIS_HOME", Path(__file__).resolve().parents[1]))
DATA = PROJECT_ROOT / "data"
REFERENCE = DATA / "reference"
SYNTHETIC = DATA / "synthetic"
NOTEBOOKS = PROJECT_ROOT / "notebooks"
OUTPUTS = PROJECT_ROOT / "outputs"
