"""Great Expectations suite run on every export file before it is published.

An ephemeral context with a pandas data source: nothing is written to disk. The file is read back
as text (every column a string, empty = null), so the suite checks the bytes that will be uploaded.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cdp.export.destinations import ACTION_COLUMN, Destination
from cdp.export.normalize import E164_RE, ISO2_CODES, SHA256_RE

BOM = b"\xef\xbb\xbf"


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    examples: list
    rows: list[int]

    def describe(self) -> str:
        where = f"column {self.column!r}" if self.column else "file"
        rows = f" at data rows {', '.join(map(str, self.rows))}" if self.rows else ""
        examples = f"; e.g. {self.examples[:3]!r}" if self.examples else ""
        count = f" ({self.unexpected_count} values)" if self.unexpected_count else ""
        return f"{self.expectation} failed for {where}{count}{rows}{examples}"


class ExportValidationError(RuntimeError):
    """A file failed its expectation suite; it was not published."""

    def __init__(self, path: Path, audience: str, destination: str, failures: list[Failure]) -> None:
        self.failures = failures
        lines = "\n  ".join(f.describe() for f in failures)
        super().__init__(
            f"export of audience {audience!r} to {destination} failed validation; {path.name} was not published:\n"
            f"  {lines}"
        )


def read_back(path: Path, file_format: str) -> pd.DataFrame:
    if file_format == "parquet":
        frame = pd.read_parquet(path)
        return frame.astype("object").where(frame.notna(), None)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # noqa: BLE001 - progress bars are cosmetic
        pass
    return gx, context


def build_suite(gx, name: str, destination: Destination, headers: list[str]):
    """The expectations for one file with these headers (a removal file may hold only the key)."""
    from great_expectations.expectations.row_conditions import Column

    expect = gx.expectations
    suite = gx.ExpectationSuite(name=name)
    present = set(headers)
    suite.add_expectation(expect.ExpectTableColumnsToMatchOrderedList(column_list=list(headers)))
    for column in destination.hashed:
        if column in present:
            suite.add_expectation(
                expect.ExpectColumnValuesToMatchRegex(column=column, regex=SHA256_RE.pattern)
            )
    for column in destination.e164:
        if column in present:
            suite.add_expectation(expect.ExpectColumnValuesToMatchRegex(column=column, regex=E164_RE.pattern))
    for column in destination.iso2:
        if column in present:
            suite.add_expectation(
                expect.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(ISO2_CODES))
            )
    if destination.unique_header and destination.unique_header in present:
        suite.add_expectation(expect.ExpectColumnValuesToNotBeNull(column=destination.unique_header))
        suite.add_expectation(expect.ExpectColumnValuesToBeUnique(column=destination.unique_header))
    keys = [k for k in destination.key_headers if k in present]
    if keys and len(keys) == len(destination.key_headers):
        # a row needs at least one key: the last must be there where all the others are missing
        condition = None
        for k in keys[:-1]:
            condition = Column(k).is_null() if condition is None else condition & Column(k).is_null()
        suite.add_expectation(expect.ExpectColumnValuesToNotBeNull(column=keys[-1], row_condition=condition))
    if destination.us_zip and set(destination.us_zip) <= present:
        zip_header, country_header = destination.us_zip
        suite.add_expectation(
            expect.ExpectColumnValuesToMatchRegex(
                column=zip_header, regex=r"^[0-9]{5}$", row_condition=Column(country_header) == "US"
            )
        )
    if destination.max_bytes:
        for column in headers:
            suite.add_expectation(
                expect.ExpectColumnValueLengthsToBeBetween(column=column, max_value=destination.max_bytes)
            )
    if ACTION_COLUMN in present:
        suite.add_expectation(
            expect.ExpectColumnValuesToBeInSet(
                column=ACTION_COLUMN, value_set=["added", "updated", "removed"]
            )
        )
        suite.add_expectation(expect.ExpectColumnValuesToNotBeNull(column=ACTION_COLUMN))
    return suite


def validate_file(
    path: Path, destination: Destination, headers: list[str], *, audience: str, expected_rows: int
) -> None:
    """Run the suite on the file at `path`; raise ExportValidationError naming what failed."""
    failures: list[Failure] = []
    raw = Path(path).read_bytes()
    if destination.file_format == "csv":
        if raw.startswith(BOM):
            failures.append(Failure("no_byte_order_mark", None, None, [], []))
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            failures.append(Failure("utf8_encoding", None, None, [str(error)], []))
    if failures:
        raise ExportValidationError(path, audience, destination.name, failures)
    frame = read_back(path, destination.file_format)
    if len(frame) != expected_rows:
        failures.append(Failure(f"row_count == {expected_rows}", None, len(frame), [], []))
    gx, context = _context()
    source = context.data_sources.add_pandas("export_file")
    batch_definition = source.add_dataframe_asset("file").add_batch_definition_whole_dataframe("whole_file")
    suite = context.suites.add(build_suite(gx, f"{destination.name}_export", destination, headers))
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
    )
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        details = item.result or {}
        indexes = details.get("partial_unexpected_index_list") or []
        rows = [int(i) + 1 for i in indexes if isinstance(i, int)][:5]
        failures.append(
            Failure(
                config.type,
                config.kwargs.get("column"),
                details.get("unexpected_count"),
                list(details.get("partial_unexpected_list") or details.get("observed_value") or [])[:5]
                if not isinstance(details.get("observed_value"), (int, float)) else [details.get("observed_value")],
                rows,
            )
        )  # fmt: skip
    if failures:
        raise ExportValidationError(path, audience, destination.name, failures)
