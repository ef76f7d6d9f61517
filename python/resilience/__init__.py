"""Resilience Warehouse: the Python layer (estimation, reports, CLI) over the dbt warehouse."""

__version__ = "0.1.0"
