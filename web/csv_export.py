"""CSV downloads that spreadsheets cannot turn into formulas.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel,
LibreOffice and Google Sheets ("CSV injection"); such a text cell gets a leading apostrophe, which the
spreadsheet shows as plain text. Numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(DANGEROUS):
        return "'" + cell
    return cell


def csv_response(rows: Iterable[Iterable[object]], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
