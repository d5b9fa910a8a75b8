"""Printable documents (PDF) with a Japanese font embedded: the first-login credentials notice.

The font is IPAex Gothic from Debian's `fonts-ipaexfont` (installed by `make setup` and the
Dockerfile); `MAMIS_PDF_FONT` names another TrueType font.
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from fpdf.fonts import FontFace

from .fields import today_jst
from .glyphs import font_path
from .models import Physician


def credentials_notice(physician: Physician, login_id: str, password: str, login_url: str = "",
                       contact: str = "") -> bytes:
    """The ID・パスワード通知 (like the postcard of seed 002), one A5 page."""
    return credentials_notices([(physician, login_id, password, None)], login_url, contact)


def credentials_notices(notices: list[tuple], login_url: str = "", contact: str = "") -> bytes:
    """Login notices, one A5 page each: [(physician, login ID, password, mailing address)] where the
    address is None or (postal code, address, facility name), printed top left for a window
    envelope. `login_url`: where to log in; `contact`: whom to ask (the issuing office, the support
    desk), as the seed's postcard gives its site and telephone number."""
    pdf = FPDF(orientation="P", unit="mm", format=(148, 210))  # A5
    pdf.set_title("MAMIS ログインID・パスワード通知")
    pdf.set_lang("ja")  # read aloud and searched as Japanese
    pdf.set_author("MAMIS")
    pdf.add_font("jp", fname=font_path())
    for physician, login_id, password, address in notices:
        pdf.add_page()
        name = f"{physician.family_name} {physician.given_name} 様"
        if address is not None:
            postal, street, facility = address
            pdf.set_font("jp", size=10)
            lines = [f"〒{postal}" if postal else "", street, facility, name]
            pdf.multi_cell(90, 5, "\n".join(line for line in lines if line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(8)
        pdf.set_font("jp", size=15)
        pdf.cell(0, 10, "MAMIS ログインID・パスワードのお知らせ", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("jp", size=11)
        pdf.cell(0, 8, name, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.multi_cell(0, 6, "医師会会員情報システム（MAMIS）の初回ログイン用のIDとパスワードをお知らせします。"
                             "初回ログイン時に利用規約への同意、メールアドレスの登録、"
                             "ログインID・パスワードの変更をお願いします。", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("jp", size=13)
        for label, value in (("ログインID", login_id), ("パスワード", password)):
            pdf.cell(32, 10, label, border=1)
            pdf.cell(0, 10, value, border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("jp", size=9)
        pdf.ln(4)
        if login_url:
            pdf.multi_cell(0, 5, f"ログインページ: {login_url}", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 5, f"発行日: {today_jst():%Y年%m月%d日}　このお知らせは他人に見せないでください。"
                             + (f"お問い合わせ先: {contact}" if contact
                                else "ご不明な点は所属医師会事務局にお問い合わせください。"))
    return bytes(pdf.output())


BOARD_COLUMNS = ("申請番号", "申請日", "受付日", "申請の種類", "申請者", "フリガナ", "医籍登録番号", "申請元",
                 "会員区分", "希望日", "所属施設", "内容", "層", "期限", "状態")
#: relative widths; the columns that must not wrap (NO_WRAP) are widened to their longest text
#: (a date, 2026/12/01) and the others share what is left by these weights
BOARD_WIDTHS = (18, 22, 22, 20, 28, 30, 22, 26, 16, 22, 36, 56, 8, 22, 18)
NO_WRAP = frozenset({"申請番号", "申請日", "受付日", "希望日", "期限", "層", "状態", "医籍登録番号"})


def board_material(title: str, rows: list[dict], columns: tuple[str, ...] = BOARD_COLUMNS,
                   widths: tuple[int, ...] | None = None, lines: tuple[str, ...] = ()) -> bytes:
    """理事会資料 and 総括表: rows as a table (A4 landscape) under a title and summary lines, the
    Japanese font embedded; the heading repeats on every page."""
    pdf = FPDF(orientation="L", unit="mm", format=(210, 297))  # A4 landscape
    pdf.set_title(title)
    pdf.set_lang("ja")  # read aloud and searched as Japanese
    pdf.set_author("MAMIS")
    pdf.add_font("jp", fname=font_path())
    pdf.set_auto_page_break(auto=False)  # the table breaks its own pages, between rows
    pdf.add_page()
    pdf.set_font("jp", size=14)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("jp", size=9)
    pdf.cell(0, 6, f"作成日: {today_jst():%Y年%m月%d日}　件数: {len(rows)}", new_x="LMARGIN", new_y="NEXT")
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    widths = widths or (BOARD_WIDTHS if columns == BOARD_COLUMNS else (1,) * len(columns))
    _table(pdf, columns, _fitted(pdf, columns, widths, rows), rows)
    return bytes(pdf.output())


def _fitted(pdf: FPDF, columns: tuple[str, ...], weights: tuple[int, ...], rows: list[dict]) -> list[float]:
    """Column widths (mm) across the page: a NO_WRAP column at least as wide as its heading and its
    longest text in the font as set (a date wrapped as 2026/12/ over 01 doubled every row), the
    other columns sharing the rest by their weights."""
    share = [w * pdf.epw / sum(weights) for w in weights]
    need: list[float | None] = []
    for name, width in zip(columns, share, strict=True):
        if name in NO_WRAP:
            widest = max([pdf.get_string_width(name)] + [pdf.get_string_width(str(r.get(name, ""))) for r in rows])
            need.append(max(width, widest + 2 * PADDING + 0.5))
        else:
            need.append(None)
    flexible = sum(w for w, n in zip(weights, need, strict=True) if n is None)
    fixed = sum(n for n in need if n is not None)
    # the wrapping columns keep at least a third of the page: past that, the others give way
    # proportionally (and wrap) rather than push the table off the page
    floor = pdf.epw / 3 if flexible else 0
    if fixed > pdf.epw - floor:
        need = [n * (pdf.epw - floor) / fixed if n is not None else None for n in need]
        fixed = pdf.epw - floor
    if not flexible:
        return list(need)
    return [n if n is not None else w * (pdf.epw - fixed) / flexible for w, n in zip(weights, need, strict=True)]


LINE = 6  # mm, one line of a table row
PADDING = 1  # mm, inside each cell, left and right


def _table(pdf: FPDF, columns: tuple[str, ...], widths: list[float], rows: list[dict]) -> None:
    """A bordered table with a grey heading row, repeated on every page. A row whose texts all fit
    is drawn as single cells (a board's list has thousands of rows: fpdf2's own table lays every
    row out twice and took 3.7 s per 1,000); a row with a longer text wraps it, and the row grows."""
    bottom = pdf.h - 12

    def heading():
        pdf.set_fill_color(230, 230, 230)
        for name, w in zip(columns, widths, strict=True):
            pdf.cell(w, LINE, name, border=1, fill=True, new_x="RIGHT", new_y="TOP")
        pdf.ln(LINE)

    heading()
    room = [w - 2 * PADDING for w in widths]
    for r in rows:
        texts = [str(r.get(name, "")) for name in columns]
        if all(pdf.get_string_width(text) <= space for text, space in zip(texts, room, strict=True)):
            if pdf.get_y() + LINE > bottom:
                pdf.add_page()
                heading()
            for text, w in zip(texts, widths, strict=True):
                pdf.cell(w, LINE, text, border=1, new_x="RIGHT", new_y="TOP")
            pdf.ln(LINE)
            continue
        wrapped = [pdf.multi_cell(w, LINE, text, dry_run=True, output="LINES", align="L")
                   for text, w in zip(texts, widths, strict=True)]
        height = LINE * max(len(w) or 1 for w in wrapped)
        if pdf.get_y() + height > bottom:
            pdf.add_page()
            heading()
        top, x = pdf.get_y(), pdf.l_margin
        for text, w in zip(texts, widths, strict=True):
            pdf.rect(x, top, w, height)
            pdf.set_xy(x, top)
            pdf.multi_cell(w, LINE, text, new_x="RIGHT", new_y="TOP", align="L")  # not justified (gaps)
            x += w
        pdf.set_xy(pdf.l_margin, top + height)


def certificate(title: str, sentence: str, name: str, number: str, valid_from: dt.date, valid_until: dt.date,
                code: str, verify_url: str, issuer: str = "公益社団法人 日本医師会") -> bytes:
    """認定証: one A4 page, the Japanese font embedded — its title (e.g. 認定産業医 認定証), the
    sentence it certifies, the holder, number and period, the association that issued it —, with
    the code anyone can check at `verify_url` (the public verification page)."""
    pdf = FPDF(orientation="P", unit="mm", format=(210, 297))
    pdf.set_title(title)
    pdf.set_lang("ja")  # read aloud and searched as Japanese
    pdf.set_author(f"{issuer} (MAMIS)")
    pdf.add_font("jp", fname=font_path())
    pdf.add_page()
    pdf.set_draw_color(60, 60, 60)
    pdf.rect(12, 12, 186, 273)
    pdf.ln(30)
    heading, _, subtitle = title.rpartition(" ")  # "認定産業医 認定証" → subtitle 認定証 under the system
    pdf.set_font("jp", size=30)
    pdf.cell(0, 18, " ".join(subtitle) if heading else title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("jp", size=16)
    if heading:
        pdf.cell(0, 12, heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.set_font("jp", size=20)
    pdf.cell(0, 14, f"{name}　殿", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("jp", size=12)
    pdf.set_x(30)
    pdf.multi_cell(150, 8, sentence, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    period = f"{valid_from:%Y年%m月%d日} 〜 {valid_until:%Y年%m月%d日}"
    # the document's own noun: a 修了証書 is numbered and checked as such, not as a 認定証
    noun = "修了証書" if title.endswith("修了証書") else "認定証"
    for label, value in (("修了証番号" if noun == "修了証書" else "認定番号", number), ("有効期間", period)):
        pdf.set_x(45)
        pdf.cell(30, 10, label, border=1)
        pdf.cell(90, 10, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(24)
    pdf.set_font("jp", size=14)
    pdf.cell(0, 10, issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(250)
    pdf.set_font("jp", size=9)
    pdf.multi_cell(0, 5, f"確認コード: {code}\nこの{noun}の有効性は {verify_url} で確認コードを入力して確認できます。",
                   align="C")
    return bytes(pdf.output())


def credit_statement(name: str, registry_number: str, year: int, rows: list[tuple[str, str, str, str]],
                     total: str) -> bytes:
    """学習単位取得証 (lifelong education): the credits of one year, one row per item (date, kind,
    content, credits), the Japanese font embedded."""
    pdf = FPDF(orientation="P", unit="mm", format=(210, 297))
    pdf.set_title(f"学習単位取得証 {year}年")
    pdf.set_lang("ja")  # read aloud and searched as Japanese
    pdf.set_author("日本医師会 (MAMIS)")
    pdf.add_font("jp", fname=font_path())
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("jp", size=20)
    pdf.cell(0, 14, "学習単位取得証", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("jp", size=11)
    pdf.cell(0, 8, f"{year}年（1月1日〜12月31日）日本医師会生涯教育制度", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 8, f"氏名: {name}　　医籍登録番号: {registry_number}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"取得単位の合計: {total} 単位", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    heading = FontFace(emphasis="", fill_color=(230, 230, 230))
    with pdf.table(col_widths=(28, 36, 96, 20), text_align="LEFT", line_height=7, headings_style=heading) as table:
        header = table.row()
        for name_ in ("取得日", "種類", "内容", "単位"):
            header.cell(name_)
        for row in rows:
            line = table.row()
            for value in row:
                line.cell(value)
    pdf.ln(6)
    pdf.cell(0, 8, f"上記のとおり単位を取得したことを証明します。　発行日: {today_jst():%Y年%m月%d日}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "公益社団法人 日本医師会", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def attendance_certificate(name: str, registry_number: str, title: str, organiser: str, starts_on: dt.date,
                           ends_on: dt.date, place: str, credits: str, co_organisers: str = "") -> bytes:
    """受講証明書: one A4 page, the Japanese font embedded; `co_organisers`: those that held it
    jointly (共催), named under the organiser."""
    pdf = FPDF(orientation="P", unit="mm", format=(210, 297))
    pdf.set_title(f"受講証明書 {title}")
    pdf.set_lang("ja")  # read aloud and searched as Japanese
    pdf.set_author("MAMIS")
    pdf.add_font("jp", fname=font_path())
    pdf.add_page()
    pdf.ln(20)
    pdf.set_font("jp", size=24)
    pdf.cell(0, 16, "受 講 証 明 書", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("jp", size=16)
    pdf.cell(0, 12, f"{name}　殿", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("jp", size=10)
    pdf.cell(0, 8, f"医籍登録番号 {registry_number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("jp", size=12)
    period = f"{starts_on:%Y年%m月%d日}" + (f" 〜 {ends_on:%Y年%m月%d日}" if ends_on != starts_on else "")
    rows = (("研修会名", title), ("開催日", period), ("会場", place), ("主催", organiser),
            *((("共催", co_organisers),) if co_organisers else ()), ("取得単位", credits))
    for label, value in rows:
        pdf.set_x(25)
        pdf.cell(30, 10, label, border=1)
        pdf.multi_cell(130, 10, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.cell(0, 8, "上記の研修会を受講したことを証明します。", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"発行日: {today_jst():%Y年%m月%d日}　{organiser}", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
