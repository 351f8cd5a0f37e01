"""Reading the CSV and XLSX files people fill in by hand for bulk import (see ``datasets/IMPORT.md``).

A file becomes a ``tablib.Dataset`` whose ``line_numbers`` attribute gives, for each data row, the line
of the file it came from (the header is line 1), so that errors point at the line a person sees in
their editor or spreadsheet even when blank lines are skipped or a cell spans several lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(ValueError):
    """The file cannot be read as a table; the message says why, in words a person can act on."""


def _cell(value):
    """A cell as text (or a date), with surrounding spaces removed; empty cells become ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(records, *, what: str) -> tablib.Dataset:
    """A dataset from ``(line, cells)`` pairs; the first non-blank record is the header."""
    dataset = tablib.Dataset()
    dataset.line_numbers = []
    headers = None
    for line, cells in records:
        cells = [_cell(value) for value in cells]
        if not any(value != "" for value in cells):
            continue
        if headers is None:
            headers = [str(value) for value in cells]
            while headers and headers[-1] == "":
                headers.pop()
            if "" in headers:
                column = headers.index("") + 1
                raise ImportFileError(
                    _("Line %(line)d: column %(column)d has no name.") % {"line": line, "column": column}
                )
            repeated = sorted({name for name in headers if headers.count(name) > 1})
            if repeated:
                raise ImportFileError(
                    _("Line %(line)d: the column %(name)s appears more than once.")
                    % {"line": line, "name": repeated[0]}
                )
            dataset.headers = headers
            continue
        extra = [value for value in cells[len(headers) :] if value != ""]
        if extra:
            raise ImportFileError(
                _("Line %(line)d has a value outside the named columns (%(value)s).")
                % {"line": line, "value": extra[0]}
            )
        cells = (cells + [""] * len(headers))[: len(headers)]
        dataset.append(cells)
        dataset.line_numbers.append(line)
    if headers is None:
        raise ImportFileError(_("The %(what)s file is empty.") % {"what": what})
    return dataset


def read_csv(content: bytes) -> tablib.Dataset:
    """A dataset from CSV bytes in UTF-8 (with or without a byte-order mark), comma, semicolon or tab separated."""
    if content.startswith(XLSX_MAGIC):
        raise ImportFileError(_("This is an Excel workbook, not a CSV file: choose the xlsx format."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” (or as an Excel workbook) and try again.")
        ) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to French write semicolons between cells.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def records():
        start = 1
        try:
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise ImportFileError(_("Line %(line)d: %(error)s") % {"line": reader.line_num, "error": exc}) from None

    return _table(records(), what="CSV")


def read_xlsx(content: bytes) -> tablib.Dataset:
    """A dataset from the first sheet of an Excel workbook; formulas give their computed values."""
    import openpyxl

    if not content.startswith(XLSX_MAGIC):
        raise ImportFileError(_("This is not an Excel workbook (.xlsx): choose the csv format for a CSV file."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The workbook cannot be opened (%(error)s).") % {"error": exc}) from None
    try:
        rows = enumerate(workbook.active.iter_rows(values_only=True), start=1)
        return _table(rows, what="XLSX")
    finally:
        workbook.close()


READERS = {".csv": read_csv, ".xlsx": read_xlsx}


def read_table_file(path: Path) -> tablib.Dataset:
    """A dataset from a .csv or .xlsx file on disk."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ImportFileError(_("%(name)s: use a .csv or .xlsx file.") % {"name": path.name})
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror}") from None
    return reader(content)


class CSVFile(base_formats.CSV):
    """CSV for the admin import: read as bytes so that encoding problems become a clear form error."""

    def create_dataset(self, in_stream, **kwargs):
        return read_csv(in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8"))

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"


class XLSXFile(base_formats.XLSX):
    """XLSX for the admin import, with file line numbers and blank rows skipped."""

    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream)
