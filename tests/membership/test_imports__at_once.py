"""Two member imports of the same file at once (one office, two browsers): they run one after
the other, so the second finds the first's members and adds nothing — no duplicate membership,
no database error — and the integrity check would say so if it ever happened."""

from __future__ import annotations

import functools
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import imports, integrity
from membership.actors import Actor
from membership.models import Membership, Physician, UserAccount

from ..helpers import at_once
from ..webapp.test_members__import_export import csv_bytes, numbers

pytestmark = pytest.mark.commits


def test_two_imports_of_one_file_at_once_make_each_member_once(db_engine):
    registry = numbers(4)
    rows = [[n, "同時", "一郎", "ドウジ", "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"] for n in registry]
    raw = csv_bytes(rows)
    with Session(db_engine, expire_on_commit=False) as s:
        # the office's one account in two browsers (no account is added: other tests count them)
        clerk = Actor.of(s.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@otaru")))
    clerks = [clerk, clerk]
    barrier = threading.Barrier(2)
    created: list[int] = []

    def run(clerk):
        barrier.wait()
        with Session(db_engine, expire_on_commit=False) as s:
            created.append(imports.import_members(s, clerk, raw))
            s.commit()

    at_once(*(functools.partial(run, c) for c in clerks))
    assert sorted(created) == [0, 4]
    with Session(db_engine) as s:
        ids = s.scalars(sa.select(Physician.id).where(Physician.registry_number.in_(registry))).all()
        assert len(ids) == 4
        assert s.scalar(sa.select(sa.func.count()).select_from(Membership)
                        .where(Membership.physician_id.in_(ids))) == 4
        assert integrity.check_one_membership_per_association(s) == []


def test_a_row_is_numbered_where_it_starts_however_its_cells_run():
    """A quoted cell over two lines — inside the header's columns or past them — does not move the
    row's number; rows of empty cells are passed over; a report's attendee list counts the same."""
    import csv
    import io

    from membership.imports import numbered_rows
    from membership.training import numbers_from_csv

    text = 'a,b\r\n1,"x\r\ny",extra\r\n2,z,"p\r\nq"\r\n,,\r\n3,w\r\n'
    reader = csv.DictReader(io.StringIO(text, newline=None))
    assert [line for line, _ in numbered_rows(reader, "file")] == [2, 4, 7]
    report = '医籍登録番号,氏名\r\n123456,"日医\r\n太郎"\r\n\r\n234567,花子\r\n'.encode()
    assert [line for line, _ in numbers_from_csv(report)] == [2, 5]


def test_board_material_fits_the_page_whatever_its_fixed_columns_hold():
    from fpdf import FPDF

    from membership.documents import BOARD_COLUMNS, BOARD_WIDTHS, _fitted, board_material, font_path

    pdf = FPDF(orientation="L", unit="mm", format=(210, 297))
    pdf.add_font("jp", fname=font_path())
    pdf.set_font("jp", size=9)
    rows = [{name: "" for name in BOARD_COLUMNS} | {"状態": "処理できなかった: " + "理由" * 80, "申請番号": 1}]
    widths = _fitted(pdf, BOARD_COLUMNS, BOARD_WIDTHS, rows)
    assert all(w > 0 for w in widths) and abs(sum(widths) - pdf.epw) < 0.01  # on the page, every column
    assert min(w for name, w in zip(BOARD_COLUMNS, widths, strict=True) if name == "内容") > 5
    assert board_material("理事会資料", rows).startswith(b"%PDF")
