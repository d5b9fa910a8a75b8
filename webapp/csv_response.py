"""CSV downloads: UTF-8 with a BOM by default, or cp932 for Excel (characters outside cp932
become "?"; the UTF-8 file keeps them)."""

from __future__ import annotations

import csv
import io

from flask import Response, stream_with_context


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


def streamed_csv(header, lines, filename: str) -> Response:
    """A CSV download (UTF-8 with BOM) written as `lines` (an iterable of lists) are read: sent in
    chunks of 1,000 rows, so that however many rows there are, none is held in memory whole. Read
    inside the request (its session stays open until the last row)."""

    def chunks():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        yield "\ufeff" + _take(out)
        for i, line in enumerate(lines, 1):
            writer.writerow(line)
            if i % 1000 == 0:
                yield _take(out)
        yield _take(out)

    return Response(stream_with_context(chunks()), mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def _take(out: io.StringIO) -> str:
    """What the writer wrote since the last take, leaving the buffer empty."""
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
