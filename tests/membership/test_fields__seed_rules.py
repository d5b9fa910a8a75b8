"""Every field rule of the registration seed (利用者登録), with valid and invalid examples.

Valid examples show the normalised value stored: Japanese users type full-width digits and
hyphens, hiragana or half-width katakana in kana fields; those are converted, not rejected.
"""

from __future__ import annotations

import datetime as dt

import pytest

from membership import fields
from membership.fields import FieldError

VALID = [
    # login ID: 8–32 half-width letters, digits and ! @ % & #
    (fields.login_id, "nichii01", "nichii01"),
    (fields.login_id, "Ab3!@%&#", "Ab3!@%&#"),
    (fields.login_id, "ｎｉｃｈｉｉ０１", "nichii01"),  # full-width typed → half-width
    (fields.login_id, "a" * 32, "a" * 32),
    # password: ≥ 8, letters + digits + symbols
    (fields.password, "Mamis#2024", "Mamis#2024"),
    (fields.password, "a1!aaaaa", "a1!aaaaa"),
    # 医籍登録番号: 6 half-width digits
    (fields.registry_number, "123456", "123456"),
    (fields.registry_number, "１２３４５６", "123456"),
    # フリガナ: full-width katakana ≤ 64; hiragana and half-width katakana converted
    (lambda v: fields.kana(v, 64), "ニチイ", "ニチイ"),
    (lambda v: fields.kana(v, 64), "にちい", "ニチイ"),
    (lambda v: fields.kana(v, 64), "ﾆﾁｲ", "ニチイ"),
    (lambda v: fields.kana(v, 64), "ヴァージニア", "ヴァージニア"),
    (lambda v: fields.kana(v, 64, optional=True), "", ""),
    # names (kanji) ≤ 32
    (fields.name, "日医", "日医"),
    (fields.name, "佐々木", "佐々木"),
    (fields.name, "ﾀﾛｳ", "タロウ"),
    (lambda v: fields.name(v, optional=True), "", ""),
    # postal code NNN-NNNN
    (fields.postal_code, "113-8621", "113-8621"),
    (fields.postal_code, "1138621", "113-8621"),
    (fields.postal_code, "１１３－８６２１", "113-8621"),
    (fields.postal_code, "〒060-0001", "060-0001"),
    # prefecture from the list
    (fields.prefecture, "東京都", "東京都"),
    # address ≤ 50, full- or half-width
    (lambda v: fields.text(v, 50, optional=False), "文京区本駒込2-28-16", "文京区本駒込2-28-16"),
    (lambda v: fields.multiline(v, 50), "一行目\u2028二行目", "一行目\n二行目"),
    # phones ≤ 15 with hyphens
    (fields.phone, "03-3946-2121", "03-3946-2121"),
    (fields.phone, "０９０－１２３４－５６７８", "090-1234-5678"),
    (fields.phone, "", ""),
    (fields.name, "Smith", "Smith"), (fields.name, "ｽﾐｽ", "スミス"),  # Latin kept: the searches find it
    (fields.phone, "(011)222-0000", "011-222-0000"), (fields.phone, "（011）222-0000", "011-222-0000"),
    (fields.phone, "011(222)0000", "011-222-0000"), (fields.phone, "011 222 0000", "011-222-0000"),
    (fields.phone, "0120-123-456", "0120-123-456"),
    (fields.phone, "+81-90-1234-5678", "090-1234-5678"), (fields.phone, "+81 (0)11 222 0000", "011-222-0000"),
    (fields.phone, "011.222.0000", "011-222-0000"),
    (lambda v: fields.phone(v, optional=False), "09012345678", "09012345678"),
    # dates
    (fields.date, "1970-04-01", dt.date(1970, 4, 1)),
    (fields.date, "1970/4/1", dt.date(1970, 4, 1)),
    (fields.date, "１９７０年４月１日", dt.date(1970, 4, 1)),
    (fields.month, "1995-03", "1995-03"),
    (fields.month, "1995/3", "1995-03"),
    (fields.month, "1995年3月", "1995-03"),
    (fields.month, "1995-03-01", "1995-03"),
    (fields.month, "", ""),
    # lists
    (fields.sex, "F", "F"),
    (fields.department, "01", "01"),
    (lambda v: fields.department(v, optional=True), "", ""),
    # schools and societies: from the list, or free text (≤ 30 / ≤ 20)
    (fields.school, "札幌医科大学", "札幌医科大学"),
    (fields.school, "ハーバード大学", "ハーバード大学"),
    (fields.societies, ["日本内科学会", "日本内科学会", "", "〇×学会"], ["日本内科学会", "〇×学会"]),
    (fields.email, "Taro@Example.JP", "Taro@example.jp"),
    # a carrier's address from before 2009: dots the RFC forbids, delivered all the same
    (fields.email, "taro..nichii@docomo.ne.jp", "taro..nichii@docomo.ne.jp"),
    (fields.email, "taro.@EZweb.ne.jp", "taro.@ezweb.ne.jp"),
]

INVALID = [
    (fields.login_id, "", "required"),
    (fields.login_id, "short1!", "login_id_rule"),  # 7
    (fields.login_id, "a" * 33, "login_id_rule"),
    (fields.login_id, "nichii_01", "login_id_rule"),  # _ is not one of ! @ % & #
    (fields.login_id, "にちいたろう01", "login_id_rule"),
    (fields.password, "", "required"),
    (fields.password, "abcdefgh", "password_rule"),  # letters only
    (fields.password, "abcd1234", "password_rule"),  # no symbol
    (fields.password, "1234!@#$", "password_rule"),  # no letter
    (fields.password, "ab1!", "password_rule"),  # too short
    (fields.password, "ａｂｃ１２３！！", "password_rule"),  # full-width is not half-width
    (fields.registry_number, "12345", "registry_number_rule"),
    (fields.registry_number, "1234567", "registry_number_rule"),
    (fields.registry_number, "12345a", "registry_number_rule"),
    (lambda v: fields.kana(v, 64), "", "required"),
    (lambda v: fields.kana(v, 64), "日医", "katakana_only"),
    (lambda v: fields.kana(v, 64), "nichii", "katakana_only"),
    (lambda v: fields.kana(v, 64), "ア" * 65, "too_long"),
    (fields.name, "", "required"),
    (fields.name, "日医1", "name_chars"),
    (fields.name, "日" * 33, "too_long"),
    (fields.postal_code, "113-862", "postal_code_rule"),
    (fields.postal_code, "1138-621", "postal_code_rule"),
    (fields.postal_code, "", "required"),
    (fields.prefecture, "東京", "choose_from_list"),
    (fields.prefecture, "", "choose"),
    (lambda v: fields.text(v, 50, optional=False), "あ" * 51, "too_long"),
    (lambda v: fields.text(v, 50, optional=False), "", "required"),
    # a line separator pasted from a PDF would break every mail whose subject holds the text
    (lambda v: fields.text(v, 50, optional=False), "研修会\u2028Bcc: x@example.jp", "invalid"),
    (fields.phone, "03-3946-2121-0000", "phone_rule"),  # 17
    (fields.phone, "03(3946)2121x", "phone_rule"),
    (fields.phone, "03--3946", "phone_rule"),
    (fields.phone, "1", "phone_rule"), (fields.phone, "1-2", "phone_rule"), (fields.phone, "123", "phone_rule"),
    (fields.phone, "11-222-0000", "phone_rule"),  # no leading 0
    (fields.phone, "090-1234-56789", "phone_rule"),  # 12 digits
    (lambda v: fields.phone(v, optional=False), "", "required"),
    (fields.date, "", "required"),
    (fields.date, "1970-02-30", "no_such_date"),
    (fields.date, "昭和45年", "invalid_date"),
    # two days ahead and next year but one: still ahead if the run crosses midnight (or New Year) in Japan
    (fields.date, (fields.today_jst() + dt.timedelta(days=2)).isoformat(), "date_not_past"),
    (fields.date, "1899-12-31", "date_too_early"),  # well written, out of range: said as a range
    (fields.month, "1899-12", "date_too_early"),
    (fields.month, "1995-13", "invalid_month"),
    (fields.month, "95-03", "invalid_month"),
    (fields.month, f"{fields.today_jst().year + 2}-01", "date_not_past"),
    (fields.sex, "X", "choose_from_list"),
    (fields.sex, "", "choose"),
    (fields.department, "99", "choose_from_list"),
    (fields.school, "あ" * 31, "too_long"),
    (fields.societies, ["あ" * 21], "too_long"),
    (fields.societies, [f"学会{i}" for i in range(11)], "too_many"),
    (fields.email, "taro@", "invalid_email"),
    (fields.email, "taro..nichii@docomo", "invalid_email"),  # only the local part is forgiven
    (fields.email, "taro nichii@docomo.ne.jp", "invalid_email"),
    (fields.email, "", "required"),
]


@pytest.mark.parametrize(("rule", "raw", "expected"), VALID)
def test_valid_input_is_accepted_and_normalised(rule, raw, expected):
    assert rule(raw) == expected


@pytest.mark.parametrize(("rule", "raw", "key"), INVALID)
def test_invalid_input_is_rejected_with_its_message(rule, raw, key):
    with pytest.raises(FieldError) as caught:
        rule(raw)
    assert caught.value.key == key


def test_every_message_key_has_japanese_and_english_text():
    from membership.messages import MESSAGES

    for _rule, _raw, key in INVALID:
        assert MESSAGES[key]["ja"] and MESSAGES[key]["en"], key


def test_past_dates_are_judged_by_the_date_in_japan(monkeypatch):
    """At 03:00 JST on 30 November the server (UTC) still says 29 November: a member typing
    today's date must not be told it is in the future, and tomorrow's must still be refused."""

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.setattr(fields.dt, "datetime", Clock)
    assert fields.today_jst() == dt.date(2026, 11, 30)
    assert fields.date("2026/11/30") == dt.date(2026, 11, 30)
    with pytest.raises(FieldError) as err:
        fields.date("2026-12-01")
    assert err.value.key == "date_not_past"
    assert fields.month("2026-11") == "2026-11"


def test_a_name_the_documents_cannot_print_is_refused_naming_the_character():
    """外字 such as 𠮷 (U+20BB7) are not in the PDF font: a certificate would print 「田」 for 𠮷田."""
    assert fields.name("髙﨑") == "髙﨑"  # in the font: kept as written
    with pytest.raises(FieldError) as refused:
        fields.name("𠮷田")
    assert refused.value.key == "unprintable_chars" and refused.value.params == {"chars": "𠮷"}


@pytest.mark.parametrize(("raw", "expected"), [
    ("昭和64年1月7日", dt.date(1989, 1, 7)), ("平成元年1月8日", dt.date(1989, 1, 8)),
    ("H31.4.30", dt.date(2019, 4, 30)), ("令和元年5月1日", dt.date(2019, 5, 1)), ("S45.4.1", dt.date(1970, 4, 1)),
])
def test_a_wareki_date_is_read_within_its_era(raw, expected):
    assert fields.date(raw) == expected


@pytest.mark.parametrize("raw", ["昭和70年1月1日", "平成元年1月7日", "令和元年4月1日", "H32.1.1", "S45.2.30"])
def test_a_wareki_date_its_era_did_not_have_is_refused(raw):
    """昭和70年 or 平成元年1月7日 (still 昭和64年) is a typing slip: refused, not read as some year."""
    with pytest.raises(FieldError) as refused:
        fields.date(raw)
    assert refused.value.key == ("no_such_date" if raw == "S45.2.30" else "invalid_date")


@pytest.mark.parametrize(("raw", "expected"), [
    ("令和2年3月", "2020-03"), ("R2.3", "2020-03"), ("平成元年1月", "1989-01"), ("昭和64年1月", "1989-01"),
    ("s45.3", "1970-03"), ("平成31年4月", "2019-04"), ("令和元年5月", "2019-05"),
])
def test_a_wareki_month_is_read_within_its_era(raw, expected):
    assert fields.month(raw) == expected


@pytest.mark.parametrize("raw", ["平成31年5月", "令和元年4月", "昭和65年1月", "R2.13"])
def test_a_wareki_month_its_era_did_not_have_is_refused(raw):
    with pytest.raises(FieldError) as refused:
        fields.month(raw)
    assert refused.value.key == "invalid_month"


def test_the_dates_of_one_life_are_checked_against_each_other():
    """Each date is fine alone; together they say a six-year-old physician, or a graduation after
    the registration that needs it: the later field of each pair is named."""
    today = fields.today_jst()
    cases = [
        ({"birth": today.replace(year=today.year - 6)}, {"birth": "too_young"}),
        ({"birth": dt.date(1970, 4, 1), "graduated": "1980-03"}, {"graduated": "too_soon_after_birth"}),
        ({"birth": dt.date(1970, 4, 1), "registered": dt.date(1960, 1, 1)}, {"registered": "too_soon_after_birth"}),
        ({"birth": dt.date(1970, 4, 1), "graduated": "2000-03", "registered": dt.date(1996, 5, 1)},
         {"registered": "before_other_field"}),
        ({"birth": dt.date(1970, 4, 1), "graduated": "1996-03", "registered": dt.date(1996, 3, 1)}, {}),  # same month
        ({"birth": dt.date(1970, 4, 1), "graduated": "1988-04", "registered": dt.date(1996, 5, 1)}, {}),  # 18 exactly
        ({"graduated": "2000-03"}, {}),  # nothing to compare with
    ]
    for values, expected in cases:
        errors: dict = {}
        fields.life_order(values, errors, "birth", {"graduated": 18, "registered": fields.MIN_AGE},
                          in_order=("graduated", "registered"))
        assert {k: v[0] for k, v in errors.items()} == expected, values
    errors = {"birth": ("invalid_date", {})}  # a field already wrong is not judged again
    fields.life_order({"birth": today}, errors, "birth", {})
    assert errors == {"birth": ("invalid_date", {})}


def test_a_date_written_right_that_no_day_has_is_said_so_with_what_was_typed():
    """1980/13/01 is not a format slip: the message names the value, not the pattern to follow."""
    with pytest.raises(FieldError) as refused:
        fields.date("1980/13/01")
    assert refused.value.key == "no_such_date" and refused.value.params == {"value": "1980/13/1"}
    from membership import messages

    said = messages.render("no_such_date", "ja", field="生年月日", value="1980/13/1")
    assert "「1980/13/1」という日付はありません" in said
    with pytest.raises(FieldError) as refused:
        fields.date("1980年4月一日")
    assert refused.value.key == "invalid_date"
