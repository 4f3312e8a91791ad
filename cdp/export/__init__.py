"""Reverse-ETL exports: audiences (or any mart) to the upload files of Klaviyo, Meta custom audiences,
Google Ads Customer Match, Mailchimp, and generic CSV / Parquet (docs/exports.md).

`run_export(warehouse=..., destination=..., out_dir=..., audience=... | mart=..., key=..., mode='full'|'diff',
dry_run=False)` returns an ExportResult (manifest, files, warnings); ExportError for bad input,
ExportValidationError when a file fails its great-expectations suite (nothing is published).
"""

from cdp.export.destinations import DESTINATIONS, Destination, get_destination
from cdp.export.runner import ExportError, ExportResult, run_export
from cdp.export.validate import ExportValidationError

__all__ = [
    "DESTINATIONS",
    "Destination",
    "ExportError",
    "ExportResult",
    "ExportValidationError",
    "get_destination",
    "run_export",
]
