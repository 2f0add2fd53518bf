"""cpanalysis: analytics for English local authority children's services, from SSDA903 extracts."""

__version__ = "0.1.0"
