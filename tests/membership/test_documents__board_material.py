"""Board material (理事会資料, 総括表) as PDF: every row on it, the heading on every page, a long
text wrapped whole rather than cut."""

from __future__ import annotations

import io
import re

import pypdf

from membership import documents

COLUMNS = ("番号", "氏名", "理由")


def test_every_row_is_there_with_the_heading_on_every_page_and_long_texts_wrapped():
    long = "高齢、卒後5年以内、傷病・療養、出産・育児、その他の事由が長く続く場合の折り返し" * 3
    rows = [{"番号": f"R{n:04d}", "氏名": "試験 太郎", "理由": long if n == 40 else "高齢"} for n in range(1, 121)]
    pdf = pypdf.PdfReader(io.BytesIO(documents.board_material("会費減免 総括表", rows, COLUMNS, (20, 40, 40))))
    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) >= 3
    assert pages[0].startswith("会費減免 総括表") and "件数: 120" in pages[0]
    assert all("番号 氏名 理由" in text for text in pages)  # the heading repeats
    text = "".join(pages)
    assert [text.count(f"R{n:04d}") for n in range(1, 121)] == [1] * 120  # each row once, in order
    assert [int(n) for n in re.findall(r"R(\d{4})", text)] == list(range(1, 121))
    assert long in text.replace("\n", "")  # wrapped onto several lines, nothing cut
