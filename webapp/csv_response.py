"""CSV downloads: UTF-8 with a BOM by default, or cp932 for Excel (characters outside cp932
become "?"; the UTF-8 file keeps them)."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from urllib.parse import quote

from flask import Response, request
from werkzeug.wsgi import wrap_file

from membership.errors import ValidationFailed

#: a cell starting with one of these is a formula to Excel (=HYPERLINK(…), +cmd, @SUM…): written
#: with a leading apostrophe, which spreadsheets show as text (OWASP "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")


def disposition(filename: str, label: str = "") -> str:
    """`attachment` with an ASCII `filename` (what old clients and scripts read) and, when a
    `label` is given, `filename*` (RFC 6266: UTF-8) with the name a clerk files it under — the
    office, what it is, the day: 「札幌市医師会_会員一覧_20261202.csv」, not members.csv thrice."""
    value = f'attachment; filename="{filename}"'
    if label:
        value += f"; filename*=UTF-8''{quote(label + '.' + filename.rpartition('.')[2], safe='')}"
    return value


def office_label(office: str, title: str, day) -> str:
    """A download's label (`disposition`): the office's name, what it is, the day (YYYYMMDD)."""
    return "_".join(part for part in (office, title, f"{day:%Y%m%d}") if part)


def safe_cell(value):
    """A value as written to a CSV cell: text that a spreadsheet would run as a formula is made
    text; numbers (-3, -0.5) and everything else as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


#: the CSV files offered: UTF-8 with BOM, and Shift_JIS (cp932) for Excel
CSV_KINDS = ("csv-utf8", "csv-cp932")


def export_kind(raw: str | None) -> str:
    """The file format a download asks for (`format`, UTF-8 CSV when none): a CSV kind or "pdf".
    Raises ValidationFailed naming `format` for anything else (it becomes part of the file's name)."""
    kind = raw or "csv-utf8"
    if kind not in (*CSV_KINDS, "pdf"):
        raise ValidationFailed.one("format", "choose_from_list")
    return kind


def csv_response(rows: list[dict], columns, filename_stem: str, kind: str = "csv-utf8", label: str = "") -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
    if kind == "csv-cp932":
        body, charset = out.getvalue().encode("cp932", errors="replace"), "Shift_JIS"
    else:
        body, charset = "\ufeff".encode() + out.getvalue().encode("utf-8"), "utf-8"
    # content_type, not mimetype + a header: werkzeug would send "charset=utf-8" from the mimetype
    return Response(body, content_type=f"text/csv; charset={charset}", headers={
        "Content-Disposition": disposition(f"{filename_stem}-{kind}.csv",
                                           label + ("_Excel用" if label and kind == "csv-cp932" else ""))})


def csv_download(header, lines, filename: str, label: str = "") -> Response:
    """A CSV download of any length (UTF-8 with BOM), as `lines` (an iterable of lists) are read.

    The rows are written to a spooled temporary file (memory up to SPOOL_IN_MEMORY, then disk)
    inside the request, and the file is sent after the request's session has closed: the
    download may take as long as the client likes without holding a database transaction — on
    SQLite every transaction holds the one write lock, so a stalled download would otherwise
    stop every other user — or a pooled PostgreSQL connection."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    text.write("\ufeff")
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in line] for line in lines)
    text.flush()
    size = spool.tell()
    text.detach()
    spool.seek(0)
    return Response(wrap_file(request.environ, spool), content_type="text/csv; charset=utf-8",
                    direct_passthrough=True, headers={"Content-Disposition": disposition(filename, label),
        "Content-Length": str(size), "Cache-Control": "no-store"})


#: a CSV download is kept in memory up to this size, then in a temporary file
SPOOL_IN_MEMORY = 8 * 1024 * 1024


