"""Demo data of ../shared/API.md: associations with the seeds' categories, facilities, logins.

`load_demo` is idempotent: everything is looked up by its natural key first.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .accounts import create_user
from .fields import today_jst
from .memberships import assign_jma_member_id
from .models import (
    Association,
    ClosedDay,
    Facility,
    MemberCategory,
    Membership,
    MembershipEvent,
    MembershipGroup,
    Physician,
    UserAccount,
)
from .physicians import register_physician
from .statuses import MembershipStatus

DEMO_PASSWORD = "Mamis#2024"  # noqa: S105  (documented in API.md)

CITY_CATEGORIES = [
    ("A-1", "A-1", "①個人が開設した病院又は診療所の管理者"),
    ("A-2", "A-2", "②医療法人が開設した病院又は診療所の管理者"),
    ("B-1", "B-1", "③①②以外の病院又は診療所の管理者"),
    ("B-2", "B-2", "①②③以外の会員"),
]
PREFECTURE_CATEGORIES = [
    ("A", "A", "個人または医療法人等が開設する病院、診療所の開設者、若しくは管理者"),
    ("B1", "B1", "A会員以外の病院、診療所等の管理者"),
    ("B2", "B2", "A、B1会員以外の者"),
    ("C1", "C1", "医育機関の教授の職にある者"),
    ("C2", "C2", "医育機関の准教授、講師、助教及び助手の職にある者"),
    ("C3", "C3", "医育機関のC1、C2会員以外の者"),
]
JMA_CATEGORIES = [
    ("A1", "A①", "病院・診療所の開設者、管理者及びそれに準ずる会員"),
    ("A2B", "A②(B)", "A①会員以外の会員で日本医師会医師賠償責任保険加入者"),
    ("A2C", "A②(C)", "A①会員以外の会員で日本医師会医師賠償責任保険加入者のうち研修医"),
    ("B", "B", "A①会員以外の会員で日本医師会医師賠償責任保険の加入を除外した者"),
    ("C", "C", "研修医で日本医師会医師賠償責任保険の加入を除外した者"),
]

#: code, name, kana, layer, parent, kind, prefecture, areas, categories
ASSOCIATIONS = [
    ("jma", "日本医師会", "ニホンイシカイ", 1, None, "national", "", [], JMA_CATEGORIES),
    ("hokkaido", "北海道医師会", "ホッカイドウイシカイ", 2, "jma", "prefectural", "北海道", [],
     PREFECTURE_CATEGORIES),
    ("tokyo", "東京都医師会", "トウキョウトイシカイ", 2, "jma", "prefectural", "東京都", [], PREFECTURE_CATEGORIES),
    ("sapporo", "札幌市医師会", "サッポロシイシカイ", 3, "hokkaido", "municipal", "北海道",
     ["札幌市中央区", "札幌市北区", "札幌市東区", "札幌市白石区", "札幌市厚別区", "札幌市豊平区"], CITY_CATEGORIES),
    ("otaru", "小樽市医師会", "オタルシイシカイ", 3, "hokkaido", "municipal", "北海道", ["小樽市"], CITY_CATEGORIES),
    ("sapmed", "札幌医科大学医師会", "サッポロイカダイガクイシカイ", 3, "hokkaido", "university", "北海道",
     ["札幌市中央区"], CITY_CATEGORIES),
    ("bunkyo", "文京区医師会", "ブンキョウクイシカイ", 3, "tokyo", "municipal", "東京都", ["文京区"], CITY_CATEGORIES),
    ("chuoeast", "中央区東支部", "チュウオウクヒガシシブ", 4, "sapporo", "district", "北海道", ["札幌市中央区"],
     CITY_CATEGORIES),
    ("chuowest", "中央区西支部", "チュウオウクニシシブ", 4, "sapporo", "district", "北海道", ["札幌市中央区"],
     CITY_CATEGORIES),
    ("kitaku", "北区支部", "キタクシブ", 4, "sapporo", "district", "北海道", ["札幌市北区"], CITY_CATEGORIES),
    # an external body that organises training sessions (研修会): no members, no areas, no categories —
    # nobody can join it; its prefecture approves its sessions
    ("hoken_kenkyu", "北海道産業保健研究会", "ホッカイドウサンギョウホケンケンキュウカイ", 3, "hokkaido", "external",
     "北海道", [], []),
]

#: name, kana, postal code, prefecture, address, tel, owner type, beds
FACILITIES = [
    ("上野クリニック 札幌医院", "ウエノクリニックサッポロイイン", "060-0004", "北海道",
     "北海道札幌市中央区北四条西2 キタコートレードビル3F", "011-252-6000", "14:個人", 0),
    ("医療法人社団 青柳皮膚科医院", "イリョウホウジンシャダンアオヤギヒフカイイン", "047-0032", "北海道",
     "北海道小樽市稲穂2-1-1", "0134-22-0000", "12:医療法人", 0),
    ("医療法人 大空 札幌ススキノ病院", "イリョウホウジンオオゾラサッポロススキノビョウイン", "064-0806", "北海道",
     "北海道札幌市中央区南六条西8-5", "011-511-0000", "12:医療法人", 120),
    ("ABCクリニック 札幌院", "エービーシークリニックサッポロイン", "060-0003", "北海道",
     "北海道札幌市中央区北三条西2-1-27", "011-231-0000", "12:医療法人", 0),
    ("医療法人社団 札幌はるか会 加藤直子皮膚科スキンクリニック",
     "イリョウホウジンシャダンサッポロハルカカイカトウナオコヒフカ", "060-0001", "北海道",
     "北海道札幌市中央区北一条西7丁目", "011-222-0000", "12:医療法人", 0),
    ("札幌北区ファミリークリニック", "サッポロキタクファミリークリニック", "001-0011", "北海道",
     "北海道札幌市北区北十一条西4-1", "011-700-0000", "14:個人", 0),
    ("文京本郷医院", "ブンキョウホンゴウイイン", "113-0033", "東京都", "東京都文京区本郷3-1-1", "03-3811-0000",
     "14:個人", 19),
]

#: login ID, family, given, kana family, kana given, registry number, email
PHYSICIANS = [
    ("nichiitaro", "日医", "太郎", "ニチイ", "タロウ", "123456", "nichiitaro@example.jp"),
    ("sapporohanako", "札幌", "花子", "サッポロ", "ハナコ", "234567", "sapporohanako@example.jp"),
]


#: Applicants whose applications `make run` files (engine.bootstrap.load_demo_applications), so that
#: the inboxes have work in them: login ID, family, given, kana family, kana given, registry number,
#: facility, and the chain they already belong to (association, category), bottom layer first.
APPLICANTS = [
    ("hokkaiichiro", "北海", "一郎", "ホッカイ", "イチロウ", "345678", "上野クリニック 札幌医院", []),
    ("chuojiro", "中央", "次郎", "チュウオウ", "ジロウ", "456789", "ABCクリニック 札幌院", []),
    ("odorimisaki", "大通", "美咲", "オオドオリ", "ミサキ", "567890", "医療法人 大空 札幌ススキノ病院", []),
    ("kitashiro", "北", "四郎", "キタ", "シロウ", "678901", "札幌北区ファミリークリニック", []),
    ("susukinogoro", "薄野", "五郎", "ススキノ", "ゴロウ", "789012", "医療法人 大空 札幌ススキノ病院",
     [("chuoeast", "B-1"), ("sapporo", "B-1"), ("hokkaido", "B1"), ("jma", "B")]),
]


def load_demo_applicants(session: Session) -> dict[str, UserAccount]:
    """The APPLICANTS' accounts (their own, as if they had registered), with the memberships they
    already hold; idempotent. Returns the accounts added, by login ID."""
    logins = set(session.scalars(sa.select(UserAccount.login_id)))
    by_code = {a.code: a for a in session.scalars(sa.select(Association))}
    facilities = {f.name: f for f in session.scalars(sa.select(Facility))}
    added = {}
    for n, (login_id, family, given, kfam, kgiv, registry, facility, chain) in enumerate(APPLICANTS):
        if login_id in logins:
            continue
        account = register_physician(session, None, login_id=login_id, password=DEMO_PASSWORD,
                                     family_name=family, given_name=given, family_kana=kfam, given_kana=kgiv,
                                     registry_number=registry, email=f"{login_id}@example.jp",
                                     birth_date=dt.date(1970 + 3 * n, 6, 1), sex="F" if given == "美咲" else "M")
        _complete_profile(account.physician, 10 + n)
        if chain:
            _existing_chain(session, account.physician, facilities[facility],
                            [(by_code[code], category) for code, category in chain])
        added[login_id] = account
    session.flush()
    return added


def load_demo(session: Session) -> dict[str, int]:
    """Load (or top up) the demo data; returns how many rows of each kind were added."""
    added = {"associations": 0, "facilities": 0, "users": 0}
    by_code: dict[str, Association] = {
        a.code: a for a in session.scalars(sa.select(Association))}
    for code, name, kana, layer, parent, kind, pref, areas, categories in ASSOCIATIONS:
        if code in by_code:
            continue
        a = Association(code=code, name=name, kana=kana, layer=layer, kind=kind, prefecture=pref,
                        areas=areas, parent_id=by_code[parent].id if parent else None,
                        email=f"office@{code}.example.jp")
        session.add(a)
        session.flush()
        for order, (cat_code, label, criteria) in enumerate(categories):
            session.add(MemberCategory(association_id=a.id, code=cat_code, label=label, criteria=criteria,
                                       sort_order=order))
        by_code[code] = a
        added["associations"] += 1
    facilities = {f.name: f for f in session.scalars(sa.select(Facility))}
    for name, kana, postal, pref, address, tel, owner, beds in FACILITIES:
        if name not in facilities:
            facilities[name] = Facility(name=name, kana=kana, postal_code=postal, prefecture=pref,
                                        address=address, tel=tel, owner_type=owner, beds=beds)
            session.add(facilities[name])
            added["facilities"] += 1
    session.flush()
    logins = set(session.scalars(sa.select(UserAccount.login_id)))

    def user(login_id, role, **kw):
        if login_id not in logins:
            create_user(session, login_id, DEMO_PASSWORD, role, **kw)
            logins.add(login_id)
            added["users"] += 1

    for login_id, family, given, kfam, kgiv, registry, email in PHYSICIANS:
        if login_id in logins:
            continue
        account = register_physician(session, None, login_id=login_id, password=DEMO_PASSWORD,
                                     family_name=family, given_name=given, family_kana=kfam, given_kana=kgiv,
                                     registry_number=registry, email=email, birth_date=dt.date(1975, 4, 1), sex="M")
        logins.add(login_id)
        added["users"] += 1
        _complete_profile(account.physician, len(logins))
        if login_id == "nichiitaro":
            _existing_chain(session, account.physician, facilities["医療法人社団 青柳皮膚科医院"],
                            [(by_code["otaru"], "A-2"), (by_code["hokkaido"], "A"), (by_code["jma"], "A1")])
    for code, name, *_ in ASSOCIATIONS:
        user(f"staff@{code}", "secretariat", association_code=code, name=f"{name} 事務局")
    if not session.scalar(sa.select(sa.func.count()).select_from(ClosedDay)):
        # 年末年始 is closed everywhere (calendar.YEAR_END); an office's own days come on top, such as
        # 小樽市医師会's summer closure
        this_year = today_jst().year
        for year in (this_year, this_year + 1):
            for day in (13, 14, 15):
                session.add(ClosedDay(association_id=by_code["otaru"].id, on_date=dt.date(year, 8, day),
                                      label="夏季休業"))
    user("designer01", "designer", name="プロセス設計者")
    user("admin001", "admin", name="システム管理者")
    session.flush()
    return added


def _complete_profile(doctor: Physician, n: int) -> None:
    """The rest of the registration form, so that the demo's registered data can be edited."""
    graduated = max(1999, doctor.birth_date.year + 24 if doctor.birth_date else 1999)  # dates of one life in order
    doctor.registry_date = dt.date(graduated, 5, 1)
    doctor.postal_code, doctor.prefecture, doctor.address = "060-0001", "北海道", f"札幌市中央区北一条西{n}-1"
    doctor.mobile = f"090-0000-{n:04d}"
    doctor.main_department = "01"
    doctor.alma_mater, doctor.graduated_on = "札幌医科大学", f"{graduated}-03"
    doctor.societies = ["日本内科学会"]


def _existing_chain(session: Session, doctor: Physician, facility: Facility, chain) -> None:
    """Memberships that predate the system (imported data), bottom layer first."""
    group = MembershipGroup(physician_id=doctor.id, facility_id=facility.id)
    session.add(group)
    session.flush()
    since = dt.date(2005, 4, 1)
    for association, cat_code in chain:
        category = session.scalar(sa.select(MemberCategory).where(
            MemberCategory.association_id == association.id, MemberCategory.code == cat_code))
        m = Membership(group_id=group.id, physician_id=doctor.id, association_id=association.id,
                       category_id=category.id, layer=association.layer,
                       status=MembershipStatus.ACTIVE.value, since=since)
        session.add(m)
        session.flush()
        session.add(MembershipEvent(membership_id=m.id, physician_id=doctor.id, association_id=association.id,
                                    kind="joined", on_date=since, note="imported"))
        if association.layer == 1:  # JMA's own data gives its members their numbers
            assign_jma_member_id(session, None, doctor)


def demo_logins() -> list[tuple[str, str]]:
    rows = [(login, "member") for login, *_ in PHYSICIANS]
    rows += [(login, "member (withdrawal under review)" if chain else "member (enrolment under review)")
             for login, *_, chain in APPLICANTS]
    rows += [(f"staff@{code}", f"secretariat ({name})") for code, name, *_ in ASSOCIATIONS]
    rows += [("designer01", "designer"), ("admin001", "admin")]
    return rows
