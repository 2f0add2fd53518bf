"""The SSDA903 data layer: schema, loading, cleaning and validation of 903 extracts."""

from cpanalysis.ssda903.load import Dataset, load

__all__ = ["Dataset", "load"]
