"""The field rules of the registration seed (利用者登録), one function per kind of field.

Each rule takes what the user typed, normalises it the way Japanese users type (full-width digits
and hyphens in numeric fields, hiragana and half-width katakana in kana fields), and returns the
clean value or raises `FieldError` with a message key of `membership.messages`. The forms and the
use cases both call these, so a rule lives in one place.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import jaconv
from email_validator import EmailNotValidError, validate_email

from .glyphs import unprintable
from .reference import DEPARTMENTS, MEDICAL_SCHOOLS, PREFECTURES, SEXES, SOCIETIES

#: the largest row id: ids are INTEGER columns, 32 bits signed on PostgreSQL (SQLite's hold 64)
MAX_ID = 2**31 - 1


def parse_int(value, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number as a client sends it — an int, or ASCII digits in a string (forms, query
    strings) — within [low, high], or None: booleans, fractions, signs, "²" or "①" (digits to
    str.isdigit, not to int), 5,000 digits. Never raises."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and (digits := value.strip()).isascii() and digits.isdigit() and len(digits) <= 19:
        number = int(digits)
    else:
        return None
    return number if low <= number <= high else None


def parse_id(value) -> int | None:
    """A row id as a client sends it, or None when it is not one (see parse_int), so that a wild
    number in a request is "not found", not a database error."""
    return parse_int(value, 1, MAX_ID)


#: dash-like characters that NFKC leaves alone (or maps to something other than "-")
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−－ｰー"), "-")
#: characters no text of ours may hold: NUL (PostgreSQL's text refuses it) and a lone UTF-16
#: surrogate (JSON's "\ud800": no encoding can write it)
WILD_TEXT = re.compile("[\x00\ud800-\udfff]")


def wild_text_in(value, path: str = "") -> str | None:
    """The path (`comment`, `associations[0].code`) of the first string in `value` — a str, or
    JSON's lists and objects, keys included — holding a WILD_TEXT character; None if none."""
    if isinstance(value, str):
        return (path or "request") if WILD_TEXT.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            found = wild_text_in(key, name) or wild_text_in(item, name)
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = wild_text_in(item, f"{path}[{i}]")
            if found:
                return found
    return None

LOGIN_ID_SYMBOLS = "!@%&#"
_LOGIN_ID = re.compile(r"[A-Za-z0-9!@%&#]{8,32}")
_PASSWORD_CHARS = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces
_KATAKANA = re.compile(r"[ァ-ヶー・]+")
_PHONE = re.compile(r"[0-9]+(-[0-9]+)*")
_POSTAL = re.compile(r"([0-9]{3})-?([0-9]{4})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


class FieldError(ValueError):
    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


#: Japan's time zone. "Today" for a member or an office is the date in Japan, whatever zone the
#: server runs in (containers run in UTC: 00:00–09:00 JST is still yesterday there).
JST = ZoneInfo("Asia/Tokyo")


def today_jst() -> dt.date:
    return dt.datetime.now(JST).date()


def jst_day_start(day: dt.date) -> dt.datetime:
    """The start of a Japanese day as stored (naive UTC)."""
    return dt.datetime.combine(day, dt.time(), JST).astimezone(dt.UTC).replace(tzinfo=None)


def as_jst(stored: dt.datetime) -> dt.datetime:
    """A stored time (naive UTC) as Japan time."""
    return (stored if stored.tzinfo else stored.replace(tzinfo=dt.UTC)).astimezone(JST)


def halfwidth(text) -> str:
    """NFKC (full-width digits/letters → half-width) plus every dash variant → "-"; trimmed."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).translate(_DASHES).strip()


def fullwidth_text(text) -> str:
    """Trimmed, half-width katakana → full-width (ｱ → ア); other characters as typed."""
    if text is None:
        return ""
    return jaconv.h2z(str(text).strip().replace("\u3000", " ").strip(), kana=True, ascii=False, digit=False)


def required(value: str) -> str:
    if not value:
        raise FieldError("required")
    return value


def login_id(raw) -> str:
    value = required(halfwidth(raw))
    if not _LOGIN_ID.fullmatch(value):
        raise FieldError("login_id_rule", symbols=" ".join(LOGIN_ID_SYMBOLS))
    return value


def password(raw) -> str:
    value = "" if raw is None else str(raw)
    required(value)
    if (len(value) < 8 or len(value) > 128 or not _PASSWORD_CHARS.fullmatch(value)
            or not re.search(r"[A-Za-z]", value) or not re.search(r"[0-9]", value)
            or not re.search(r"[^A-Za-z0-9]", value)):
        raise FieldError("password_rule")
    return value


def figure(value) -> str:
    """A number of credits as people write it: 2 and 1.5, not 2.0 or 1.50 (credits are kept with one
    decimal place, so the database answers 2.0)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    whole = number.to_integral_value()
    return str(whole + 0 if number == whole else number.normalize())


def bare_kana(text) -> str:
    """A フリガナ as compared: full-width katakana without spaces (hiragana and half-width kana
    converted); text that is not kana, only without spaces."""
    try:
        return kana(text, 400)
    except FieldError:
        return (text or "").replace(" ", "").replace("\u3000", "")


def registry_number(raw) -> str:
    value = required(halfwidth(raw))
    if not re.fullmatch(r"[0-9]{6}", value):
        raise FieldError("registry_number_rule")
    return value


def kana(raw, maximum: int, optional: bool = False) -> str:
    """Full-width katakana; hiragana and half-width katakana are converted, spaces dropped."""
    text = jaconv.hira2kata(fullwidth_text(raw)).replace(" ", "").replace("\u3000", "")
    text = text.replace("-", "ー").replace("－", "ー")
    if not text:
        if optional:
            return ""
        raise FieldError("required")
    if not _KATAKANA.fullmatch(text):
        raise FieldError("katakana_only")
    if len(text) > maximum:
        raise FieldError("too_long", max=maximum)
    return text


def name(raw, maximum: int = 32, optional: bool = False) -> str:
    """A name as written (kanji, kana, Latin letters as typed — the searches compare half width);
    half-width katakana converted; no digits or symbols."""
    text = fullwidth_text(raw).replace(" ", "").replace("\u3000", "")
    if not text:
        if optional:
            return ""
        raise FieldError("required")
    if any(unicodedata.category(c)[0] in "CNPS" and c not in "ー々〆・" for c in text):
        raise FieldError("name_chars")
    if missing := unprintable(text):  # 外字: the certificates and notices could not print it
        raise FieldError("unprintable_chars", chars=missing)
    if len(text) > maximum:
        raise FieldError("too_long", max=maximum)
    return text


def text(raw, maximum: int, optional: bool = True) -> str:
    value = fullwidth_text(raw)
    if not value:
        if optional:
            return ""
        raise FieldError("required")
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):  # controls, line/paragraph separators
        raise FieldError("invalid")
    if len(value) > maximum:
        raise FieldError("too_long", max=maximum)
    return value


def multiline(raw, maximum: int, optional: bool = True) -> str:
    """Text typed in a text area: as `text`, with its line breaks kept (CR LF and CR stored as LF,
    blank lines at either end dropped) — every other control character is still refused."""
    value = fullwidth_text(str(raw or "").replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
                           .replace("\u2029", "\n"))
    if not value:
        if optional:
            return ""
        raise FieldError("required")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in value):
        raise FieldError("invalid")
    if len(value) > maximum:
        raise FieldError("too_long", max=maximum)
    return value


def postal_code(raw) -> str:
    """NNN-NNNN; seven digits without the hyphen (full-width too) are accepted."""
    value = required(halfwidth(raw).replace("〒", "").strip())
    m = _POSTAL.fullmatch(value)
    if not m:
        raise FieldError("postal_code_rule")
    return f"{m.group(1)}-{m.group(2)}"


def phone(raw, optional: bool = True) -> str:
    """A Japanese telephone number: 10 or 11 digits from a 0 (a landline's 011-222-0000, a mobile's
    090-1234-5678, 0120-…), written with hyphens or as typed — full-width, with spaces, or with the
    area code in brackets, (011)222-0000 — and stored as digits and hyphens, ≤ 15 characters."""
    value = re.sub(r"\s+", "-", halfwidth(raw).strip())  # 011 222 0000 as 011-222-0000
    value = re.sub(r"^\+81-*\(?0?\)?-*", "0", value).replace(".", "-")  # +81-90-… as a phone shows its own
    if not value:
        if optional:
            return ""
        raise FieldError("required")
    value = re.sub(r"-{2,}", "-", value.replace("(", "-").replace(")", "-")).strip("-")
    digits = value.replace("-", "")
    if not _PHONE.fullmatch(value) or len(value) > 15 or not digits.startswith("0") or not 10 <= len(digits) <= 11:
        raise FieldError("phone_rule")
    return value


#: the first year of each era (和暦), by its name and its initial: 昭和45年 is 1926 + 45 - 1
ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019,
        "M": 1868, "T": 1912, "S": 1926, "H": 1989, "R": 2019}
_ERA_DATE = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})\s*[年.\-/]"
                       r"\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})日?", re.IGNORECASE)

_ERA_MONTH = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})\s*[年.\-/]\s*(\d{1,2})\s*月?",
                        re.IGNORECASE)


_TIME_OF_DAY = re.compile(r"(?<=\d)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")


#: the first day of each era, and the next era's (the last day + 1): a 和暦 date outside its era
#: (昭和70年, 平成元年1月7日 — still 昭和64年) is a typing slip, refused rather than read as a year
ERA_SPANS = {1868: (dt.date(1868, 1, 25), dt.date(1912, 7, 30)), 1912: (dt.date(1912, 7, 30), dt.date(1926, 12, 25)),
             1926: (dt.date(1926, 12, 25), dt.date(1989, 1, 8)), 1989: (dt.date(1989, 1, 8), dt.date(2019, 5, 1)),
             2019: (dt.date(2019, 5, 1), dt.date(9999, 12, 31))}


def _western(text: str) -> str:
    """A 和暦 date (令和2年4月1日, H2.4.1, S45/4/1, 平成元年…) as YYYY-M-D; other text as it is.
    Raises FieldError("invalid_date") for a day its era did not have."""
    m = _ERA_DATE.fullmatch(text)
    if not m:
        return text
    era, year, month, day = m.groups()
    first = ERAS.get(era) or ERAS[era.upper()]
    western = first + (1 if year == '元' else int(year)) - 1
    try:
        value = dt.date(western, int(month), int(day))
    except ValueError:
        raise FieldError("no_such_date", value=text) from None
    begins, next_era = ERA_SPANS[first]
    if not begins <= value < next_era:
        raise FieldError("invalid_date")
    return f"{western}-{month}-{day}"


#: the last year a date may name (a search "until 9999-12-31" would overflow the day after it)
LAST_YEAR = 2999


def date(raw, optional: bool = False, past: bool = True) -> dt.date | None:
    """A date typed as 2001-04-01, 2001/4/1, 2001年4月1日 or in 和暦 (令和2年4月1日, H2.4.1)."""
    if isinstance(raw, dt.date):
        value = raw
    else:
        # a date as a spreadsheet writes it with its time (2020-04-01 00:00:00): the day
        cleaned = _TIME_OF_DAY.sub("", _western(halfwidth(raw)))
        cleaned = cleaned.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
        cleaned = cleaned.rstrip("日")
        if not cleaned:
            if optional:
                return None
            raise FieldError("required")
        try:
            y, m, d = (int(p) for p in cleaned.split("-"))
        except (ValueError, OverflowError):  # OverflowError: a year past a C long
            raise FieldError("invalid_date") from None
        try:
            value = dt.date(y, m, d)
        except (ValueError, OverflowError):  # written as a date, but no day has it (13月, 2月30日)
            raise FieldError("no_such_date", value=f"{y}/{m}/{d}") from None
    if value.year < 1900:  # a real date, but not one this system holds: said as a range, not a format
        raise FieldError("date_too_early", min="1900/01/01")
    if value.year > LAST_YEAR:  # 9999-12-31 typed as "no end": a day after it does not exist
        raise FieldError("date_too_late", max=f"{LAST_YEAR}/12/31")
    if past and value > today_jst():
        raise FieldError("date_not_past")
    return value


def month(raw, optional: bool = True) -> str:
    """A year and month (卒業年月 etc.) as YYYY-MM; 2001/4, 2001年4月, 2001-04-01 and 和暦 (令和2年3月,
    R2.3) are accepted."""
    text = halfwidth(raw)
    era = _ERA_MONTH.fullmatch(text)
    if era:  # the era's first day of that month, so that _western checks the era had it
        try:
            text = _western(f"{era.group(1)}{era.group(2)}年{era.group(3)}月{_era_day(era)}日")
        except FieldError:
            raise FieldError("invalid_month") from None
    cleaned = text.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "")
    if not cleaned:
        if optional:
            return ""
        raise FieldError("required")
    parts = cleaned.split("-")
    if len(parts) == 3:  # a full date from a calendar widget
        cleaned = "-".join(parts[:2])
    m = _MONTH.fullmatch(cleaned)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise FieldError("invalid_month")
    if int(m.group(1)) < 1900:
        raise FieldError("date_too_early", min="1900/01")
    value = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    if value > today_jst().strftime("%Y-%m"):
        raise FieldError("date_not_past")
    return value


def _era_day(era: re.Match) -> int:
    """The first day of a 和暦 month that the era had (令和元年5月 began on the 1st; 平成元年1月 on the 8th)."""
    name, year, month_ = era.group(1), era.group(2), int(era.group(3))
    first = ERAS.get(name) or ERAS.get(name.upper())
    if first is None or year not in ("元", "1"):
        return 1
    begins, _ = ERA_SPANS[first]
    return begins.day if begins.month == month_ else 1


#: the youngest anyone is when a physician (six years of medical school after school at 18)
MIN_AGE = 20


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def life_order(values: dict, errors: dict, birth: str, after_birth: dict[str, int],
               in_order: tuple[str, str] | None = None) -> None:
    """Dates checked against each other, each alone being fine: the person is at least MIN_AGE
    today; each field of `after_birth` ({field: years}) is at least that many years after the birth
    date; `in_order` (earlier, later) are not the other way round. A date is a dt.date or a YYYY-MM
    month (compared by its month). Problems go to the later field of each pair, named in `errors`
    (a field already wrong is not checked again)."""
    def as_month(value) -> str:
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else str(value)

    born = values.get(birth)
    if born and birth not in errors:
        if born > years_after(today_jst(), -MIN_AGE):
            errors[birth] = ("too_young", {"years": MIN_AGE})
        else:
            for name, years in after_birth.items():
                value = values.get(name)
                if value and name not in errors and as_month(value) < as_month(years_after(born, years)):
                    errors[name] = ("too_soon_after_birth", {"years": years})
    if in_order:
        earlier, later = (values.get(n) for n in in_order)
        if earlier and later and not {*in_order} & errors.keys() and as_month(later) < as_month(earlier):
            errors[in_order[1]] = ("before_other_field", {"other_field": in_order[0]})


def choice(raw, allowed, optional: bool = False) -> str:
    value = halfwidth(raw)
    if not value:
        if optional:
            return ""
        raise FieldError("choose")
    if value not in allowed:
        raise FieldError("choose_from_list")
    return value


def prefecture(raw) -> str:
    return choice(raw, PREFECTURES)


def department(raw, optional: bool = False) -> str:
    return choice(raw, DEPARTMENTS, optional)


def sex(raw) -> str:
    return choice(raw, SEXES)


#: a mobile carrier's address of before 2009 (docomo, au): dots doubled or before the @, which the
#: RFC forbids but the carriers gave out and still deliver to — many physicians still use one
_LEGACY_LOCAL = re.compile(r"[A-Za-z0-9._\-+/?]{1,64}")


def email(raw) -> str:
    value = required(halfwidth(raw))
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        pass
    local, _, domain = value.rpartition("@")
    if _LEGACY_LOCAL.fullmatch(local):
        try:  # the domain must be a real one: only the local part is forgiven
            return f"{local}@{validate_email('x@' + domain, check_deliverability=False).ascii_domain}"
        except EmailNotValidError:
            pass
    raise FieldError("invalid_email")


def zenkaku(raw, maximum: int, optional: bool = True) -> str:
    """Free text the seed asks in full width (全角): letters, digits and spaces typed in half width
    are converted (Harvard → Ｈａｒｖａｒｄ), so the stored text is what the paper forms hold."""
    value = text(raw, maximum * 2, optional=optional)
    value = jaconv.h2z(value, kana=True, ascii=True, digit=True)
    if len(value) > maximum:
        raise FieldError("too_long", max=maximum)
    return value


def societies(raw, maximum_each: int = 20, limit: int = 10) -> list[str]:
    """Names chosen from the list or typed (≤ 20 each, full width); blanks and repeats dropped."""
    items = raw if isinstance(raw, list | tuple) else str(raw or "").splitlines()
    clean: list[str] = []
    for item in items:
        value = zenkaku(item, 60)
        if value and value not in clean:
            clean.append(value)
    if len(clean) > limit:
        raise FieldError("too_many", max=limit)
    for value in clean:
        if value not in SOCIETIES and len(value) > maximum_each:
            raise FieldError("too_long", max=maximum_each)
    return clean


def school(raw, maximum_free: int = 30, optional: bool = True) -> str:
    """A university from the list, or free text (≤ 30, full width) for one not listed."""
    value = zenkaku(raw, 60, optional=optional)
    if value and value not in MEDICAL_SCHOOLS and len(value) > maximum_free:
        raise FieldError("too_long", max=maximum_free)
    return value
