"""Cells that spreadsheets would run as formulas are neutralised; numbers stay numbers."""
import pytest

from web.csv_export import csv_response, neutralise


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_get_an_apostrophe(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Facebook", "a=b", "", 42, -3])
def test_everything_else_is_untouched(cell):
    assert neutralise(cell) == cell


def test_a_download_is_csv_with_a_file_name(app):
    with app.test_request_context():
        response = csv_response([["name", "value"], ["=cmd", -1]], "team.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="team.csv"'
    assert response.get_data(as_text=True) == "name,value\r\n'=cmd,-1\r\n"
