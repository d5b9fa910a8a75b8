"""CSV downloads: UTF-8 with a BOM by default, or cp932 for Excel (characters outside cp932
become "?"; the UTF-8 file keeps them)."""

from __future__ import annotations

import csv
import io

from flask import Response


def csv_response(rows: list[dict], columns, filename_stem: str, kind: str = "csv-utf8") -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    if kind == "csv-cp932":
        body, charset = out.getvalue().encode("cp932", errors="replace"), "Shift_JIS"
    else:
        body, charset = "\ufeff".encode() + out.getvalue().encode("utf-8"), "utf-8"
    return Response(body, mimetype="text/csv", headers={
        "Content-Type": f"text/csv; charset={charset}",
        "Content-Disposition": f'attachment; filename="{filename_stem}-{kind}.csv"'})


def take(out: io.StringIO) -> str:
    """What a writer wrote into `out` since the last take, leaving it empty (for streamed CSV)."""
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
