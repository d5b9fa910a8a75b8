"""User-facing messages of the domain, in Japanese (default) and English.

Use cases raise errors that carry message keys; the web layer renders them in the user's
language. Keeping the texts here means one wording for the screens and the API.
"""

from __future__ import annotations

DEFAULT_LANG = "ja"

FIELD_LABELS: dict[str, dict[str, str]] = {
    "city": {"ja": "郡市区", "en": "City/county"},
    "key": {"ja": "キー（ID）", "en": "Key"},
    "process_kind": {"ja": "種類", "en": "Kind"},
    "pref": {"ja": "都道府県", "en": "Prefecture"},
    "format": {"ja": "ファイル形式", "en": "File format"},
    "login_id": {"ja": "ログインID", "en": "Login ID"},
    "password": {"ja": "パスワード", "en": "Password"},
    "kind": {"ja": "申請の種類", "en": "Application kind"},
    "approved_parts": {"ja": "承認済みの審査", "en": "Approved parts"},
    "desired_date": {"ja": "入会希望年月日", "en": "Desired date"},
    "credentials": {"ja": "ID・パスワード通知", "en": "Login notice"},
    "document_kind": {"ja": "書類の種類", "en": "Kind of document"},
    "withdrawal.desired_date": {"ja": "退会希望年月日", "en": "Date of leaving"},
    "audit.date_from": {"ja": "日付（から）", "en": "From"},
    "members.status": {"ja": "会員の状況", "en": "Standing"},
    "members.category": {"ja": "会員区分", "en": "Member category"},
    "audit.date_to": {"ja": "日付（まで）", "en": "Until"},
    "audit.login_id": {"ja": "利用者のログインID", "en": "User's login ID"},
    "audit.action": {"ja": "操作の種類", "en": "Kind of action"},
    "audit.object_type": {"ja": "対象の種類", "en": "Kind of object"},
    "audit.object_id": {"ja": "対象のID", "en": "Object ID"},
    "audit.before": {"ja": "ページ", "en": "Page"},
    "profile_changes.date_from": {"ja": "変更日（から）", "en": "Changed from"},
    "profile_changes.date_to": {"ja": "変更日（まで）", "en": "Changed until"},
    "profile_changes.group": {"ja": "項目", "en": "Fields"},
    "profile_changes.before": {"ja": "ページ", "en": "Page"},
    "transfer.desired_date": {"ja": "異動年月日", "en": "Date of the move"},
    "transfer.associations": {"ja": "異動先の医師会", "en": "New associations"},
    "transfer.facility_id": {"ja": "異動先の施設", "en": "New facility"},
    "transfer.group_id": {"ja": "異動するグループ", "en": "Group that moves"},
    "facility_id": {"ja": "所属施設", "en": "Facility"},
    "facility_name": {"ja": "未定、もしくは一覧に登録のない施設名", "en": "Name of a facility not in the list"},
    "duty_code": {"ja": "施設・業務", "en": "Facility and duty"},
    "position": {"ja": "役職", "en": "Position"},
    "associations": {"ja": "入会希望医師会", "en": "Associations"},
    "category": {"ja": "会員区分", "en": "Member category"},
    "decision": {"ja": "判断", "en": "Decision"},
    "comment": {"ja": "コメント", "en": "Comment"},
    "on_behalf_of": {"ja": "代理申請の対象会員", "en": "Member acted for"},
    "role": {"ja": "権限", "en": "Role"},
    "registry_number": {"ja": "医籍登録番号", "en": "Medical registry number"},
    "version": {"ja": "バージョン", "en": "Version"},
    "limit": {"ja": "件数", "en": "Limit"},
    "system": {"ja": "認定制度", "en": "Certification"},
    "process.note": {"ja": "版のメモ", "en": "Version note"},
    "certificate": {"ja": "認定制度", "en": "Certification"},
    "mode": {"ja": "申請区分（新規・更新）", "en": "New or renewal"},
    "state": {"ja": "状態", "en": "State"},
    "wait": {"ja": "キャンセル待ち", "en": "Waiting list"},
    "target": {"ja": "発行の対象", "en": "Issue to"},
    "category.code": {"ja": "区分コード", "en": "Category code"},
    "staff.name": {"ja": "表示名", "en": "Display name"},
    "association.code": {"ja": "医師会コード", "en": "Association code"},
    "association.kind": {"ja": "種別", "en": "Kind"},
    "association.name": {"ja": "医師会名", "en": "Name"},
    "association.kana": {"ja": "医師会名（フリガナ）", "en": "Name (kana)"},
    "association.tel": {"ja": "電話番号", "en": "Telephone"},
    "association.areas": {"ja": "地区（市区町村）", "en": "Municipalities covered"},
    "category.label": {"ja": "区分名", "en": "Category name"},
    "closed_day.label": {"ja": "名称", "en": "Name"},
    "account": {"ja": "アカウント", "en": "Account"},
    "category.criteria": {"ja": "区分の基準", "en": "Criteria"},
    "category.category": {"ja": "会員区分", "en": "Member category"},
    "number": {"ja": "認定番号", "en": "Certificate number"},
    "valid_until": {"ja": "有効期間", "en": "Period of validity"},
    "credits": {"ja": "単位数", "en": "Number of credits"},
    "session.title": {"ja": "研修会名", "en": "Session title"},
    "session.starts_on": {"ja": "開催日", "en": "Date"},
    "session.ends_on": {"ja": "終了日", "en": "Last day"},
    "session.place": {"ja": "会場", "en": "Place"},
    "session.capacity": {"ja": "定員", "en": "Capacity"},
    "session.credit_items": {"ja": "単位", "en": "Credits"},
    "session.registry_numbers": {"ja": "医籍登録番号", "en": "Medical registry numbers"},
    "session.attended": {"ja": "出席", "en": "Attendance"},
    "session.reason": {"ja": "中止の理由", "en": "Reason for calling it off"},
    "session.co_organisers": {"ja": "共催", "en": "Co-organisers"},
    "co_organisers.associations": {"ja": "共催の医師会", "en": "Co-organising associations"},
    "session.description": {"ja": "内容", "en": "Description"},
    "session.starts_at": {"ja": "開始時刻", "en": "Starting time"},
    "session.ends_at": {"ja": "終了時刻", "en": "Ending time"},
    "session.fee": {"ja": "参加費（円）", "en": "Fee (yen)"},
    "session.apply_by": {"ja": "申込締切", "en": "Apply by"},
    "session.contact": {"ja": "問合せ先", "en": "Contact"},
    "credit.category": {"ja": "学習の種類", "en": "Kind of study"},
    "fee_reduction.reason": {"ja": "減免事由", "en": "Reason"},
    "fee_reduction.note": {"ja": "事由の詳細", "en": "Details"},
    "fee_reduction.fiscal_year": {"ja": "年度", "en": "Fiscal year"},
    "fee_reduction.group_id": {"ja": "減免を受ける医師会", "en": "Associations"},
    "credit.earned_on": {"ja": "学習日", "en": "Date of study"},
    "earned_on": {"ja": "取得日", "en": "Date earned"},
    "activity": {"ja": "活動", "en": "Activity"},
    "detail": {"ja": "活動の内容", "en": "What was done"},
    "credit.note": {"ja": "内容（研修会名・手帳の記載など）", "en": "What they were for"},
    "source": {"ja": "取得方法", "en": "Source"},
    "application": {"ja": "申請", "en": "Application"},
    "association": {"ja": "所属医師会", "en": "Association"},
    "ids": {"ja": "タスク", "en": "Tasks"},
    "bpmn": {"ja": "BPMN", "en": "BPMN"},
    # registration (利用者登録) and registered data
    "email": {"ja": "メールアドレス", "en": "Email address"},
    "email_confirm": {"ja": "メールアドレス（確認）", "en": "Email address (again)"},
    "password_confirm": {"ja": "パスワード（確認）", "en": "Password (again)"},
    "current_password": {"ja": "現在のパスワード", "en": "Current password"},
    "new_login_id": {"ja": "新しいログインID", "en": "New login ID"},
    "new_password": {"ja": "新しいパスワード", "en": "New password"},
    "reset.password": {"ja": "新しいパスワード", "en": "New password"},
    "agree": {"ja": "利用規約への同意", "en": "Agreement to the terms of use"},
    "registry_date": {"ja": "医籍登録日", "en": "Registry date"},
    "family_kana": {"ja": "セイ（フリガナ）", "en": "Family name (katakana)"},
    "given_kana": {"ja": "メイ（フリガナ）", "en": "Given name (katakana)"},
    "family_name": {"ja": "姓", "en": "Family name"},
    "given_name": {"ja": "名", "en": "Given name"},
    "maiden_family_kana": {"ja": "旧姓（フリガナ）", "en": "Former family name (katakana)"},
    "maiden_given_kana": {"ja": "旧名（フリガナ）", "en": "Former given name (katakana)"},
    "maiden_family_name": {"ja": "旧姓", "en": "Former family name"},
    "maiden_given_name": {"ja": "旧名", "en": "Former given name"},
    "postal_code": {"ja": "郵便番号", "en": "Postal code"},
    "prefecture": {"ja": "都道府県", "en": "Prefecture"},
    "address": {"ja": "住所（番地まで）", "en": "Address"},
    "mobile": {"ja": "TEL（携帯電話番号）", "en": "Mobile phone"},
    "tel": {"ja": "TEL（固定電話）", "en": "Telephone"},
    "fax": {"ja": "FAX", "en": "Fax"},
    "birth_date": {"ja": "生年月日", "en": "Date of birth"},
    "sex": {"ja": "性別", "en": "Sex"},
    "main_department": {"ja": "主たる科名", "en": "Main department"},
    "sub_department": {"ja": "担当する科名", "en": "Secondary department"},
    "alma_mater": {"ja": "出身校", "en": "Medical school"},
    "graduated_on": {"ja": "卒業年月", "en": "Graduation (year and month)"},
    "grad_school": {"ja": "大学院（大学名）", "en": "Graduate school"},
    "grad_completed_on": {"ja": "大学院修了年月", "en": "Graduate school completed"},
    "grad_faculty": {"ja": "大学院（学部・学科名等名称）", "en": "Graduate faculty"},
    "doctorate_on": {"ja": "学位取得年月（博士号）", "en": "Doctorate (year and month)"},
    "societies": {"ja": "所属学会", "en": "Academic societies"},
    "dispatch_to": {"ja": "送付先", "en": "Send mail to"},
    "dispatch_stopped": {"ja": "送付停止", "en": "Stop sending"},
    "token": {"ja": "URL", "en": "Link"},
    "to_user": {"ja": "担当者", "en": "Staff member"},
    "note": {"ja": "コメント・メモ", "en": "Note"},
    "file": {"ja": "ファイル", "en": "File"},
    "registry_file": {"ja": "出席者のCSV", "en": "Attendance CSV"},
    "documents": {"ja": "提出書類", "en": "Documents"},
    "group_id": {"ja": "退会するグループ", "en": "Group to leave"},
    "title": {"ja": "件名", "en": "Title"},
    "designations": {"ja": "指定医", "en": "Designations"},
    "body": {"ja": "本文", "en": "Text"},
    "request": {"ja": "送信された内容", "en": "The request"},
    "publish_from": {"ja": "掲載開始日", "en": "Shown from"},
    "publish_until": {"ja": "掲載終了日", "en": "Shown until"},
    "reason": {"ja": "理由", "en": "Reason"},
    "withdrawal.reason": {"ja": "退会事由", "en": "Reason for leaving"},
    # an earlier version's names of the two (still accepted by the API)
    "withdrawal_reason": {"ja": "退会事由", "en": "Reason for leaving"},
    "withdrawal_reason_text": {"ja": "退会事由（その他）", "en": "Reason (other)"},
    "withdrawal.reason_text": {"ja": "退会事由（その他）", "en": "Reason (other)"},
    "withdrawal.associations": {"ja": "退会する医師会", "en": "Associations left"},
    "view": {"ja": "表示", "en": "View"},
    "layer": {"ja": "層", "en": "Layer"},
    "date_from": {"ja": "受付日（から）", "en": "Received from"},
    # the columns of the CSV imports, named in English with the heading the file has
    **{column: {"ja": column, "en": f"{english} ({column})"} for column, english in (
        ("医籍登録番号", "Medical registry number"), ("姓", "Family name"), ("名", "Given name"),
        ("セイ", "Family name in kana"), ("メイ", "Given name in kana"), ("生年月日", "Date of birth"),
        ("性別", "Sex"), ("メールアドレス", "Email address"), ("会員区分", "Member category code"),
        ("入会日", "Member since"), ("制度", "System code"), ("区分", "Category code"), ("単位数", "Credits"),
        ("取得日", "Earned on"), ("取得方法", "Source"), ("内容", "Description"),
        ("認定番号", "Certificate number"), ("有効期間開始", "Valid from"), ("有効期間終了", "Valid until"),
        ("種類", "Scheme"), ("日医会員番号", "JMA member number"), ("加入状況", "Status"), ("加入日", "Joined on"),
        ("医籍登録日", "Registry date"), ("卒業年月", "Graduation"), ("出身校", "Medical school"),
        ("携帯電話", "Mobile"), ("電話番号", "Telephone"), ("郵便番号", "Postal code"), ("住所", "Address"))},
    "held_from": {"ja": "開催日（から）", "en": "Held from"},
    "held_to": {"ja": "開催日（まで）", "en": "Held until"},
    "own": {"ja": "自会の主催・共催のみ", "en": "Only ours"},
    "date_to": {"ja": "受付日（まで）", "en": "Received until"},
    "status": {"ja": "状態", "en": "Status"},
    "page": {"ja": "ページ", "en": "Page"},
    "name": {"ja": "名前", "en": "Name"},
    "on_date": {"ja": "休業日", "en": "Closed day"},
    "parent": {"ja": "上位の医師会", "en": "Parent association"},
    "q": {"ja": "検索語", "en": "Search words"},
    "changes": {"ja": "修正内容", "en": "Changes"},
    "categories": {"ja": "会員区分", "en": "Member categories"},
    "to_user_id": {"ja": "担当者", "en": "Staff member"},
    "application_kind": {"ja": "申請の種類", "en": "Application kind"},
    "applicant": {"ja": "申請者", "en": "Applicant"},
    "holder": {"ja": "担当者", "en": "Assignee"},
    "revision": {"ja": "下書きの版（If-Match）", "en": "Draft revision (If-Match)"},
    "accept": {"ja": "共催の回答", "en": "Answer to the co-organisation request"},
    "origin": {"ja": "申請元", "en": "Filed through"},
    "branch": {"ja": "所属医師会（管内）", "en": "Member of"},
    "sort": {"ja": "並び順", "en": "Sort by"},
    "order": {"ja": "昇順・降順", "en": "Order"},
    "per_page": {"ja": "表示件数", "en": "Rows per page"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "required": {"ja": "{field}を入力してください。", "en": "{field} is required."},
    "choose": {"ja": "{field}を選択してください。", "en": "Choose the {field}."},
    "invalid": {"ja": "{field}の形式が正しくありません。", "en": "{field} is not valid."},
    "invalid_date": {"ja": "{field}は 2027/04/01 のように年/月/日で入力してください。",
                     "en": "{field} must be a date written year/month/day, such as 2027/04/01."},
    "no_such_date": {"ja": "{field}の「{value}」という日付はありません（月は1〜12、日はその月の日数まで）。",
                     "en": "{field}: there is no such day as {value} (months run 1–12, days to the month's last)."},
    "before_membership_start": {"ja": "{field}は会員資格の開始日（{date}）より後の日付を入力してください。",
                                "en": "{field} must be after the day the membership begins ({date})."},
    "before_lower_layers": {"ja": "{field}は下位の医師会の入会日（{date}）以降の日付を入力してください。"
                                  "上位の医師会だけが先に始まることはありません。",
                            "en": "{field} must be on or after the day the lower associations' memberships begin "
                                  "({date}): an upper association never begins first."},
    "changes_on_amend_only": {"ja": "{field}は、差し戻された申請を申請者が修正するときにだけ指定できます。",
                              "en": "{field} can be given only when the applicant amends a returned application."},
    "nothing_to_retry": {"ja": "やり直せるタスクはありません（失敗したタスクはすでに処理されたか、なくなりました）。",
                         "en": "There is nothing to retry: the tasks that failed have been decided meanwhile or are gone."},
    "not_in_application": {"ja": "{field}: 医師会「{code}」はこの申請の入会先ではありません。",
                           "en": "{field}: \"{code}\" is not an association this application joins."},
    "category_decided": {"ja": "{field}: {association}はすでに審査を終えたため、会員区分は変更できません。",
                         "en": "{field}: {association} has decided already; its member category cannot change."},
    "date_in_past": {"ja": "{field}は本日以降の日付を入力してください。",
                     "en": "{field} must be today or later."},
    "unknown_association": {"ja": "{field}: 医師会「{code}」は存在しません。",
                            "en": "{field}: there is no association \"{code}\"."},
    "choose_category": {"ja": "{field}: {association}の会員区分を選んでください。",
                        "en": "{field}: choose a member category for {association}."},
    "unknown_category": {"ja": "{field}: {association}に会員区分「{code}」はありません。",
                         "en": "{field}: {association} has no member category \"{code}\"."},
    "duplicate_layer": {"ja": "{field}: 各層から選べる医師会は1つだけです（{layer}層が重複）。",
                        "en": "{field}: choose one association per layer (layer {layer} twice)."},
    "broken_chain": {"ja": "{field}: {lower}の上位は{upper}ではありません。同じ系列の医師会を選んでください。",
                     "en": "{field}: {upper} is not the parent of {lower}; choose one chain."},
    "gap_in_chain": {"ja": "{field}: {lower}に入会するには{layer}層の医師会も選んでください。",
                     "en": "{field}: joining {lower} needs an association of layer {layer} too."},
    "already_member": {"ja": "{field}: すでに{association}の会員です。",
                       "en": "{field}: already a member of {association}."},
    "pending_application": {"ja": "{field}: {association}への申請がすでに審査中です。",
                            "en": "{field}: an application to {association} is already under review."},
    "unknown_facility": {"ja": "{field}: 指定された施設は存在しません。",
                         "en": "{field}: that facility does not exist."},
    "unknown_duty": {"ja": "{field}は 11〜14, 21〜24, 31〜34, 41〜42 から1つ選んでください。",
                     "en": "{field} must be one of 11–14, 21–24, 31–34, 41–42."},
    "unknown_position": {"ja": "{field}は一覧から選んでください。", "en": "Choose the {field} from the list."},
    "unknown_decision": {"ja": "{field}は 承認・却下・差戻し のいずれかです。",
                         "en": "{field} must be approve, reject or return."},
    "comment_required": {"ja": "却下・差戻しには{field}を入力してください。",
                         "en": "A {field} is required to reject or return."},
    "too_long": {"ja": "{field}は{max}文字以内で入力してください。",
                 "en": "{field} must be at most {max} characters."},
    "unknown_member": {"ja": "{field}: 貴会の会員にそのログインIDはありません。",
                       "en": "{field}: no member of your association has that login ID."},
    "not_a_physician": {"ja": "{field}: この利用者は医師として登録されていません。",
                        "en": "{field}: this user is not registered as a physician."},
    "unknown_field": {"ja": "{field}: 想定外の項目です。", "en": "{field}: unexpected field."},
    "login_id_taken": {"ja": "{field}「{value}」はすでに使われています。",
                       "en": "{field} \"{value}\" is already taken."},
    "unknown_role": {"ja": "{field}は member, secretariat, designer, admin のいずれかです。",
                     "en": "{field} must be member, secretariat, designer or admin."},
    "secretariat_needs_association": {"ja": "事務局には{field}が必要です。",
                                      "en": "A secretariat needs an {field}."},
    "login_id_rule": {"ja": "{field}は半角英数字・記号（{symbols}）で8文字以上、32文字以内で入力してください。",
                      "en": "{field} must be 8–32 letters, digits or the symbols {symbols}."},
    "password_rule": {"ja": "{field}は半角英字・数字・記号の3種類すべてを使用し、8文字以上で入力してください。",
                      "en": "{field} must be at least 8 characters and use letters, digits and symbols."},
    "registry_number_rule": {"ja": "{field}は半角数字6文字で入力してください。",
                             "en": "{field} must be 6 digits."},
    "katakana_only": {"ja": "{field}は全角カタカナで入力してください。", "en": "{field} must be in katakana."},
    "name_chars": {"ja": "{field}に数字や記号は使えません。", "en": "{field} cannot contain digits or symbols."},
    "postal_code_rule": {"ja": "{field}は「123-4567」の形式で入力してください。",
                         "en": "{field} must be in the form 123-4567."},
    "unknown_postal_code": {"ja": "{field}「{value}」は見つかりません。",
                            "en": "{field} {value} does not exist."},
    "phone_rule": {"ja": "{field}は0から始まる10桁か11桁の番号を、数字とハイフンで入力してください（例: 011-222-0000）。",
                   "en": "{field} must be a number of 10 or 11 digits starting with 0, in digits and hyphens "
                         "(e.g. 011-222-0000)."},
    "date_not_past": {"ja": "{field}は過去の日付を入力してください。", "en": "{field} must be in the past."},
    "postal_address_differs": {"ja": "この郵便番号の住所は「{address}」です。住所をご確認ください。",
                               "en": "This postal code is for \u201c{address}\u201d; please check the address."},
    "credit_row_kind": {"ja": "{field}（{row}行目）: 単位の種類を一覧から選んでください。",
                        "en": "{field} (row {row}): choose the kind of credit from the list."},
    "credit_row_duplicate": {"ja": "{field}（{row}行目）: 同じ単位の種類が上の行にもあります。1行にまとめてください。",
                             "en": "{field} (row {row}): the same kind of credit is on a row above; use one row."},
    "credit_row_amount": {"ja": "{field}（{row}行目）: 単位数は0.5単位きざみで{max}単位までです。",
                          "en": "{field} (row {row}): credits go in steps of 0.5, up to {max}."},
    "date_too_late": {"ja": "{field}は{max}までの日付にしてください。", "en": "{field} must be on or before {max}."},
    "reduction_not_by_age": {
        "ja": "{field}「{reason}」には当たりません（登録の生年月日では、{year}年度の初日に{age}歳）。",
        "en": "{field} “elderly” does not apply: by the registered date of birth, you are {age} on the first day "
              "of fiscal {year}."},
    "reduction_not_by_graduation": {
        "ja": "{field}「{reason}」には当たりません（登録の卒業年月 {graduated} から、{year}年度の初日に卒後{years}年）。",
        "en": "{field} “within five years of graduation” does not apply: from the registered graduation "
              "({graduated}), it is {years} years on the first day of fiscal {year}."},
    "period_too_long": {"ja": "{field}が長すぎます（この制度の認定証の有効期間は{years}年、延長されたものでも{longest}年までです）。",
                        "en": "{field} is too late: this system's certificates are valid for {years} years, "
                              "{longest} at most when extended."},
    "postal_prefecture_mismatch": {"ja": "{field}が郵便番号 {code} の都道府県（{known}）と違います。どちらかを直してください。",
                                   "en": "{field} is not that of postal code {code} ({known}); please correct one."},
    "too_young": {"ja": "{field}では{years}歳未満になります。生年月日を確かめてください。",
                  "en": "{field}: the person would be younger than {years}; please check it."},
    "too_soon_after_birth": {"ja": "{field}が生年月日から{years}年未満です。{field}と生年月日を確かめてください。",
                             "en": "{field} is less than {years} years after the date of birth; please check both."},
    "before_other_field": {"ja": "{field}が{other}より前になっています。{field}と{other}を確かめてください。",
                           "en": "{field} is before {other}; please check both."},
    "date_not_future": {"ja": "{field}に未来の日付は入力できません。", "en": "{field} cannot be in the future."},
    "date_too_early": {"ja": "{field}は{min}以降の日付にしてください。", "en": "{field} must be on or after {min}."},
    "invalid_month": {"ja": "{field}は「2001-04」の形式（年-月）で入力してください。",
                      "en": "{field} must be a year and month such as 2001-04."},
    "choose_from_list": {"ja": "{field}は一覧から選んでください。", "en": "Choose the {field} from the list."},
    "invalid_email": {"ja": "{field}の形式が正しくありません。", "en": "{field} is not a valid address."},
    "emails_differ": {"ja": "{field}が一致しません。", "en": "{field} does not match."},
    "passwords_differ": {"ja": "{field}が一致しません。", "en": "{field} does not match."},
    "too_many": {"ja": "{field}は{max}件までです。", "en": "At most {max} {field}."},
    "one_city_below": {"ja": "{field}: {prefecture}の管内の郡市区等医師会を1つ選んでください。",
                       "en": "{field}: choose one city/county association within {prefecture}."},
    "takes_no_members": {"ja": "{association}は研修会を主催する団体で、会員を受け入れていません。",
                         "en": "{association} organises training sessions and takes no members."},
    "count_range": {"ja": "{field}は{min}件から{max}件までで指定してください。",
                    "en": "Give between {min} and {max} {field}."},
    "not_your_group": {"ja": "{field}: 選択できるのは、ご自身が会員であるグループだけです。",
                       "en": "{field}: choose one of your own groups."},
    "not_a_member_here": {"ja": "{field}: このグループでは「{code}」の会員ではありません。",
                          "en": "{field}: you are not a member of \"{code}\" in this group."},
    "group_has_pending_application": {
        "ja": "{field}: このグループには審査中の申請（申請番号 {application_id}）があります。その申請の完了または取消し後に申請してください。",
        "en": "{field}: this group has an application under review (No. {application_id}); apply "
              "after it is decided or cancelled."},
    "too_many_files": {"ja": "{field}は1つの医師会につき{max}つまでです。3つを超える場合はZIPファイル等にまとめてください。",
                       "en": "At most {max} files per association; bundle more into a ZIP file."},
    "file_too_large": {"ja": "{field}の大きさは{max}までです。", "en": "Each {field} may be at most {max}."},
    "file_empty": {"ja": "{field}が空です（0バイト）。", "en": "The {field} is empty (0 bytes)."},
    "file_type": {"ja": "{field}はPDF・画像（PNG・JPEG・GIF）・ZIPのいずれかにしてください（内容から判定しています）。",
                  "en": "The {field} must be a PDF, an image (PNG, JPEG, GIF) or a ZIP file (judged by its content)."},
    "file_type_photo": {
        "ja": "{field}が写真の形式（HEIC・WebP）のため受け付けられません。iPhoneでは「設定 > カメラ > フォーマット」で"
              "「互換性優先」を選んで撮り直すか、JPEG・PDFにしてから添付してください。",
        "en": "The {field} is a photo format (HEIC, WebP) the offices cannot open. On an iPhone choose "
              "Settings > Camera > Formats > Most Compatible and take it again, or convert it to JPEG or PDF."},
    "must_agree": {"ja": "利用規約に同意してください。", "en": "Please agree to the terms of use."},
    "email_taken": {"ja": "{field}はすでに登録されています。", "en": "{field} is already registered."},
    "same_as_before": {"ja": "{field}は初期のものから変更してください。",
                       "en": "{field} must differ from the issued one."},
    "wrong_password": {"ja": "{field}が正しくありません。", "en": "{field} is wrong."},
    "registry_number_taken": {"ja": "{field}はすでに登録されています。", "en": "{field} is already registered."},
    "registry_number_registered": {
        "ja": "{field}はすでに登録されています。会員の方は、医師会から届いたID・パスワード通知でログインしてください。"
              "ログインIDをお忘れの場合はログイン画面の「ログインIDをお忘れの方はこちら」から、心当たりのない場合は所属医師会"
              "またはお問い合わせ窓口にご連絡ください。",
        "en": "{field} is already registered. Members log in with the ID and password their association posted; "
              "a forgotten login ID is sent from the login page, and otherwise please "
              "contact your association or the support desk."},
    "link_invalid": {"ja": "このURLは無効です。URLが途中で切れていないかご確認ください。",
                     "en": "This link is not valid. Check that it was not cut off."},
    "link_expired": {"ja": "このURLは有効期限が切れています。お手数ですが、はじめからやり直してください。",
                     "en": "This link has expired. Please start again."},
    "link_used": {"ja": "このURLはすでに使用されたか、その後のパスワード・メールアドレスの変更で無効になりました。",
                  "en": "This link has been used already, or a later change of the password or email address "
                        "ended it."},
    "not_a_colleague": {"ja": "{field}は同じ医師会の事務局職員から選んでください。",
                        "en": "Choose a {field} of your own association's office."},
    "four_eyes_hold": {"ja": "ご自身が申請者（または代理で申請した）の申請の審査は担当できません。他の職員が担当してください。",
                       "en": "You cannot hold the review of an application you filed (for yourself or for a member): "
                             "a colleague must take it."},
    "four_eyes": {"ja": "ご自身が申請者（または代理で申請した）の申請は承認できません。他の職員が承認してください。",
                  "en": "You cannot approve an application you filed or that is your own; another staff member must."},
    "bad_encoding": {"ja": "{field}の文字コードが読めません（UTF-8 または Shift_JIS で保存してください）。",
                     "en": "{field} is neither UTF-8 nor Shift_JIS."},
    "missing_columns": {"ja": "{field}に必要な列がありません: {columns}", "en": "{field} lacks the columns: {columns}"},
    "empty_file": {"ja": "{field}にデータがありません。", "en": "{field} has no rows."},
    "unknown_category_code": {"ja": "{field}「{code}」は貴会の会員区分にありません。",
                              "en": "{field} \"{code}\" is not one of your categories."},
    "duplicate_in_file": {"ja": "{field}がファイル内で重複しています。", "en": "{field} appears twice in the file."},
    "import_has_errors": {"ja": "{count}行に誤りがあるため、取り込みませんでした（何も登録されていません）。",
                          "en": "Rows with errors: {count}; nothing was imported."},
    "setup_required": {"ja": "初回ログインの手続き（利用規約への同意、メールアドレスの登録、ログインID・パスワードの変更）を画面から完了してください。",
                       "en": "Finish the first-login steps (terms, email, new login ID and password) on the web first."},
    "account_disabled": {"ja": "このアカウントは利用停止中です。", "en": "This account is disabled."},
    # whole-request messages
    "bad_input": {"ja": "入力内容に誤りがあります。", "en": "The input has errors."},
    "bad_credentials": {"ja": "ログインIDまたはパスワードに誤りがあります。",
                        "en": "The login ID or password is wrong."},
    "throttled": {"ja": "ログインの失敗が続いたため、しばらくログインできません。{minutes}分後にお試しください。",
                  "en": "Too many failed logins. Try again in {minutes} minutes."},
    "not_logged_in": {"ja": "ログインしてください。", "en": "Please log in."},
    "forbidden": {"ja": "この操作を行う権限がありません。", "en": "You may not do this."},
    "not_found": {"ja": "見つかりません。", "en": "Not found."},
    "bulk_run_done": {"ja": "この一括処理はすでに終了しています。", "en": "This bulk run has already ended."},
    "association_not_for_role": {"ja": "{field}は事務局の利用者にだけ指定できます。",
                                 "en": "{field} is given only for a secretariat's user."},
    "import_confirmed": {"ja": "この取込みは開始済みか、確認から時間がたったため取り消されています。もう一度ファイルを選んでください。",
                         "en": "This import has been started already, or its check is too old and was removed. "
                               "Please choose the file again."},
    "json_content_type": {"ja": "本文はJSONで送り、Content-Type: application/json を付けてください。",
                          "en": "Send the body as JSON, with Content-Type: application/json."},
    "deploy_needs_confirmation": {
        "ja": "この下書きは公開前の確認が必要です（{risks}: failing = 試行で処理できない申請・判定があります、overtaken = "
              "後から公開された版を取り消します、unknown_names = 値の入らない名前を式が読んでいます（下書きの "
              "warnings）、overlap = UNIQUE の判定表で2つ以上の規則が一致する組合せがあります、stranded = 実行中の申請が待つタスクが下書きにありません、untried = 試行できる完了済みの申請がありません）。確かめたうえで confirm=true を付けて"
              "公開してください。",
        "en": "Deploying this draft needs a confirmation ({risks}: failing = its dry run finds applications or decisions "
              "it cannot handle; overtaken = it undoes versions deployed since it began; unknown_names = its "
              "expressions read names nothing sets (the draft's warnings); overlap = two rules of a UNIQUE decision table match one case; stranded = running applications wait at a task the draft no longer has; untried = no completed application "
              "to try it on). Check, then deploy with confirm=true."},
    # a row of the changes between two versions (the word alone: "削除" is also a button, "Delete")
    "change_kind.added": {"ja": "追加", "en": "Added"},
    "change_kind.removed": {"ja": "削除", "en": "Removed"},
    "change_kind.changed": {"ja": "変更", "en": "Changed"},
    "not_a_decision": {"ja": "{process} の下書きは判定表（DMN）ではありません。プロセスの下書きはドライラン（dry-run）で確かめてください。",
                       "en": "The draft of {process} is not a decision table (DMN); check a process draft with its dry run."},
    "draft_unchanged": {"ja": "この下書きは最新版 v{version} と同じです。公開する変更はありません（不要なら下書きを破棄してください）。",
                        "en": "This draft is the same as the latest version v{version}: there is nothing to deploy "
                              "(discard the draft if it is not needed)."},
    "not_with_inbox": {"ja": "{field}は受信箱の表示・絞り込み（view・page など）と一緒には指定できません。",
                       "en": "{field} cannot be combined with the inbox's parameters (view, page, …)."},
    "bad_character": {"ja": "{field}に使えない文字（制御文字など）が含まれています。",
                      "en": "{field} contains a character that cannot be used (a control character)."},
    "process_failed": {"ja": "申請の処理手順（プロセス）に誤りがあるため、この操作を完了できませんでした。何も変更されていません"
                             "（入力内容の問題ではありません）。管理者に連絡してください。",
                       "en": "This step could not be completed because the application's process has an error. "
                             "Nothing was changed (your input is not at fault). Please tell an administrator."},
    "bulk_interrupted": {"ja": "システムエラーのため処理されませんでした。もう一度お試しください。",
                         "en": "Not worked: an internal error stopped the run. Please try again."},
    "task_not_open": {"ja": "このタスクはすでに処理されています（他の担当者が処理した可能性があります）。",
                      "en": "This task is no longer open (someone else may have completed it)."},
    "registry_number_locked": {
        "ja": "医籍登録番号はご本人では変更できません。誤りがある場合は、所属する医師会にお問い合わせください。",
        "en": "You cannot change your medical registry number yourself. If it is wrong, please contact your "
              "association."},
    "on_behalf_own_association": {
        "ja": "代理で申請できるのは、この医師会か、その上位・下位の医師会への申請だけです。",
        "en": "An office may file for a member only an application to its own association or to one above "
              "or below it."},
    "credentials_members_only": {
        "ja": "ID・パスワード通知は、この医師会の現会員にのみ発行できます。",
        "en": "Login notices can be issued only to current members of this association."},
    "credentials_in_use": {
        "ja": "この会員はすでにMAMISを利用しているため、ID・パスワード通知は発行できません。"
              "ログインIDやパスワードを忘れた場合は、ご本人がログイン画面の「お忘れの方」から再設定できます。",
        "en": "This member already uses MAMIS, so no login notice can be issued. A member who forgot their "
              "login ID or password can reset them from the login page."},
    "amend_not_open": {"ja": "この申請はもう修正できません（取り消されたか、すでに処理されています）。",
                       "en": "This application can no longer be amended (it was cancelled or has been dealt with)."},
    "task_claimed": {"ja": "このタスクは他の担当者が担当しています。",
                     "en": "Another staff member has claimed this task."},
    "only_applicant_cancels": {"ja": "申請を取り消せるのは申請者ご本人だけです。事務局は受付タスクで却下してください。",
                               "en": "Only the applicant can cancel an application; staff reject it from the task."},
    "process_deployed_meanwhile": {"ja": "「{key}」の新しい版が同時に公開されました。一覧で確認してから、もう一度お試しください。",
                                   "en": "A new version of \u201c{key}\u201d was deployed at the same moment; check the "
                                         "library and try again."},
    "draft_filed": {"ja": "この申請はすでに提出されたか、削除されています。マイページでご確認ください。",
                    "en": "This application has already been filed or deleted; see My Page."},
    "approved_meanwhile": {
        "ja": "画面を開いたあとに{names}が承認しました。承認した医師会の会員資格は取り消しても続きます。内容を確かめて、もう一度取り消してください。",
        "en": "{names} approved it after you opened the page; a membership an association approved stays if you "
              "cancel. Check, then cancel again."},
    "not_cancellable": {"ja": "この申請は取り消せません。", "en": "This application can no longer be cancelled."},
    "jma_member_id_rule": {"ja": "{field}は3で始まる10桁の数字です。", "en": "{field} is 10 digits beginning with 3."},
    "jma_member_id_taken": {"ja": "{field}は他の医師の番号です（ファイルの中で重複しているか、登録済みです）。",
                            "en": "{field} is another physician's number (twice in the file, or registered)."},
    "jma_member_id_differs": {"ja": "{field}が登録済みの番号と異なります。",
                              "en": "{field} differs from the number on record."},
    "jma_needs_prefecture": {"ja": "{field}: 都道府県医師会の会員でない医師は、日本医師会の会員として取り込めません。"
                                   "都道府県医師会の会員データの取込みを先に行ってください。",
                             "en": "{field}: a physician who is not a member of a prefectural association cannot be "
                                   "imported as a JMA member. Import the prefecture's members first."},
    "no_change": {"ja": "{field}: 現在と同じ医師会・施設です。異動の内容を選んでください。",
                  "en": "{field}: these are your current associations and facility; choose what changes."},
    "choose_prefecture_category": {"ja": "{field}: {association}の会員区分を選択してください（都道府県が変わります）。",
                                   "en": "{field}: choose a member category of {association} (a new prefecture)."},
    "renewal_of_revoked": {"ja": "更新の対象の認定証 {number} は取り消されているため、この更新申請は承認できません。"
                                 "却下してください。",
                           "en": "The certificate {number} this renewal was filed for has been revoked: the renewal "
                                 "cannot be approved. Please reject it."},
    "date_before_start": {"ja": "{field}は掲載開始日以降の日付にしてください。",
                          "en": "{field} must not be before the start date."},
    "not_amendable": {"ja": "この申請は修正できません（審査が終わったか、差戻し中です）。",
                      "en": "This application can no longer be amended (decided, or returned to you)."},
    "chain_broken": {"ja": "下位の医師会の会員資格が有効でないため、この医師会への入会は承認できません。",
                     "en": "This membership cannot start while a lower layer of its chain is not active."},
    "member_already_here": {
        "ja": "この医師はすでにこの医師会の会員です（データ取込みなどで登録済み）。この申請は差戻しか却下にしてください。",
        "en": "This physician is a member of this association already (imported, for instance); return or reject "
              "the application."},
    "request_too_large": {
        "ja": "一度に送れるのは合計{max}MBまでです。送信した内容は保存されていません。ファイルを分けて（数回に分けて）アップロードしてください。",
        "en": "At most {max} MB can be sent at once; nothing of what you sent was kept. Upload the files a few at a "
              "time."},
    "concurrent_change": {"ja": "他の操作と重なりました。もう一度お試しください。",
                          "en": "Another change happened at the same time; try again."},
    # process validation (engine/validation.py): each names the BPMN element it is about
    "bpmn.too_large": {"ja": "BPMNファイルが大きすぎます（{limit} MBまで）。", "en": "The BPMN file is too large (at most {limit} MB)."},
    "bpmn.encoding": {"ja": "ファイルの文字コードを読めません。UTF-8 で保存するか、XML宣言に文字コード（Shift_JIS など）を書いてください。",
                      "en": "The file's character encoding cannot be read: save it as UTF-8, or name its encoding "
                            "(Shift_JIS, for instance) in the XML declaration."},
    "bpmn.xml": {"ja": "XMLとして読めません（{line}行{column}列目。詳細: {detail}）",
                 "en": "Not well-formed XML (line {line}, column {column}: {detail})"},
    "bpmn.script_task": {"ja": "スクリプトタスクは使えません。サービスタスクを使ってください。",
                         "en": "Script tasks are not allowed (use a service task)."},
    "bpmn.pre_script": {"ja": "事前スクリプト（preScript）は使えません。", "en": "Pre-scripts are not allowed."},
    "bpmn.post_script": {"ja": "事後スクリプト（postScript）は使えません。", "en": "Post-scripts are not allowed."},
    "bpmn.compensation": {"ja": "補償イベントはこのシステムでは動きません。",
                          "en": "Compensation events are not supported."},
    "bpmn.link_event": {"ja": "リンクイベントはこのシステムでは動きません。", "en": "Link events are not supported."},
    "bpmn.complex_gateway": {"ja": "複合ゲートウェイはこのシステムでは動きません。",
                             "en": "Complex gateways are not supported."},
    "bpmn.condition": {"ja": "条件式「{expression}」が使えません: {detail}",
                       "en": "The condition \u201c{expression}\u201d cannot be used: {detail}"},
    "bpmn.timer": {"ja": "タイマーの式「{expression}」が使えません: {detail}",
                   "en": "The timer expression \u201c{expression}\u201d cannot be used: {detail}"},
    "bpmn.expression": {"ja": "式「{expression}」が使えません: {detail}",
                        "en": "The expression \u201c{expression}\u201d cannot be used: {detail}"},
    "bpmn.property": {"ja": "プロパティ {name} の式「{expression}」が使えません: {detail}",
                      "en": "Property {name}: the expression \u201c{expression}\u201d cannot be used: {detail}"},
    "bpmn.parameter": {"ja": "パラメーター {name} の式「{expression}」が使えません: {detail}",
                       "en": "Parameter {name}: the expression \u201c{expression}\u201d cannot be used: {detail}"},
    "bpmn.unknown_operation": {"ja": "サービス操作「{operation}」はありません。",
                               "en": "There is no service operation \u201c{operation}\u201d."},
    "bpmn.unknown_parameter": {"ja": "サービス操作 {operation} にパラメーター {name} はありません。",
                               "en": "Service operation {operation} has no parameter {name}."},
    "bpmn.missing_parameter": {"ja": "サービス操作 {operation} のパラメーター {name} がありません。",
                               "en": "Service operation {operation} needs the parameter {name}."},
    "bpmn.unassigned": {"ja": "ユーザータスクの担当（candidate_association か candidate_user）がありません。",
                        "en": "The user task has no assignee (candidate_association or candidate_user)."},
    "bpmn.task_kind": {"ja": "タスクの種類「{kind}」は使えません（{known}）。",
                       "en": "Task kind \u201c{kind}\u201d is not known ({known})."},
    "bpmn.no_form_key": {"ja": "ユーザータスクにフォームキー（form_key）がありません。",
                         "en": "The user task has no form key (form_key)."},
    "bpmn.unknown_form_key": {"ja": "フォームキー「{form_key}」の画面はありません（{known}）。",
                              "en": "There is no form for the form key \u201c{form_key}\u201d ({known})."},
    "bpmn.due_in_days": {"ja": "期限の日数（due_in_days）「{value}」は1〜365の整数にしてください。",
                         "en": "due_in_days \u201c{value}\u201d must be a whole number from 1 to 365."},
    "bpmn.one_process": {"ja": "実行可能なプロセスはファイルに1つだけにしてください（{found}個あります）。",
                         "en": "A file must hold exactly one executable process (found {found})."},
    "bpmn.unknown_call": {"ja": "呼び出すプロセス「{process}」はデプロイされていません。",
                          "en": "The called process \u201c{process}\u201d is not deployed."},
    "incident.expression": {
        "ja": "式「{expression}」を評価できませんでした（まだ値のない名前や、期間の引用符忘れ \"P5D\" など）。",
        "en": "The expression \u201c{expression}\u201d could not be evaluated (a name with no value yet, or a "
              "duration without its quotes, \"P5D\")."},
    "incident.no_association": {"ja": "担当の医師会「{code}」が見つかりません。",
                                "en": "There is no association \u201c{code}\u201d to hold the task."},
    "incident.no_condition_holds": {"ja": "分岐の条件がどれも成り立ちませんでした（既定の流れもありません）。",
                                    "en": "None of the gateway's conditions held, and it has no default flow."},
    "incident.other": {"ja": "プロセスの実行に失敗しました。", "en": "The process failed."},
    "bpmn.unknown_name": {
        "ja": "「{variable}」に値を入れる処理がありません（式: {expression}）。",
        "en": "Nothing gives \u201c{variable}\u201d a value (expression: {expression})."},
    "bpmn.kind_changed": {
        "ja": "「{key}」は{was}です。{now}のファイルでは置き換えられません（呼び出している処理が動かなくなります）。",
        "en": "\u201c{key}\u201d is a {was} file; it cannot be replaced by a {now} file (whatever calls it would "
              "break)."},
    "bpmn.key_mismatch": {"ja": "このファイルのプロセスIDは「{found}」です（「{process}」の編集中）。",
                          "en": "The file's process id is \u201c{found}\u201d, not \u201c{process}\u201d."},
    "bpmn.dmn_one_decision": {"ja": "DMNファイルには決定（decision）を1つだけ入れてください（{found}個あります）。",
                              "en": "A DMN file must hold exactly one decision (found {found})."},
    "bpmn.dmn_no_table": {"ja": "決定に決定表（decision table）がありません。", "en": "The decision has no decision table."},
    "bpmn.hit_policy": {"ja": "ヒットポリシー {policy} は使えません（{known}）。",
                        "en": "Hit policy {policy} is not supported ({known})."},
    # why an expression was refused (engine.safe_eval.UnsafeExpression.reason), inside the messages above
    "expr.too_long": {"ja": "式が長すぎます（{max}文字まで）", "en": "the expression is too long (at most {max} characters)"},
    "expr.syntax": {"ja": "式の書き方に誤りがあります（{detail}）", "en": "syntax error: {detail}"},
    "expr.syntax_plain": {"ja": "式の書き方に誤りがあります", "en": "syntax error"},
    "expr.too_deep": {"ja": "式の入れ子が深すぎます", "en": "the expression is nested too deeply"},
    "expr.construct": {"ja": "この書き方（{construct}）は式に使えません。使えるのは値・比較・and/or/not・算術・添字・"
                             "決められた関数だけです（属性アクセス「.」や関数定義は使えません）",
                       "en": "not allowed in an expression: {construct} (values, comparisons, and/or/not, "
                             "arithmetic, subscripts and the listed functions only)"},
    "expr.private_name": {"ja": "「_」で始まる名前（{name}）は使えません", "en": "name not allowed: {name}"},
    "expr.function": {"ja": "呼び出せる関数は次のものだけです: {functions}",
                      "en": "only these functions may be called: {functions}"},
    "expr.keywords": {"ja": "キーワード引数（name=値）は使えません", "en": "keyword arguments are not allowed"},
    "expr.other": {"ja": "この式は使えません", "en": "the expression cannot be used"},
    "bpmn.dmn_cell": {"ja": "セル「{expression}」が使えません: {detail}",
                      "en": "The cell \u201c{expression}\u201d cannot be used: {detail}"},
    "bpmn.duplicate_id": {"ja": "このIDは2つ以上の要素に使われています。", "en": "This id is used by more than one element."},
    "bpmn.flow_source_missing": {"ja": "このシーケンスフローの始点が、この階層にない要素（「{ref}」）を指しています。",
                                 "en": "This sequence flow starts at no element of this level (\"{ref}\")."},
    "bpmn.flow_target_missing": {"ja": "このシーケンスフローの終点が、この階層にない要素（「{ref}」）を指しています。",
                                 "en": "This sequence flow ends at no element of this level (\"{ref}\")."},
    "bpmn.unreachable": {"ja": "この要素に入るシーケンスフローがありません（実行されることがありません）。",
                         "en": "No sequence flow leads to this element (it would never run)."},
    "bpmn.dead_end": {"ja": "この要素から出るシーケンスフローがありません（終了イベントで終わらせてください）。",
                      "en": "No sequence flow leaves this element (end the path with an end event)."},
    "bpmn.parser": {"ja": "BPMNの構造に誤りがあります: {detail}", "en": "The BPMN is not valid: {detail}"},
    "bpmn.task_many_outgoing": {
        "ja": "タスクから出る流れは1本だけにしてください。分岐させるには、タスクの後にゲートウェイ（排他ゲートウェイなど）を置きます。",
        "en": "A task may have one outgoing flow only; to branch, put a gateway (an exclusive one, say) after it."},
    "bpmn.no_decision": {
        "ja": "ビジネスルールタスクの判定表（DMN）が選ばれていないか、「{key}」という判定表は公開されていません。",
        "en": "The business rule task names no decision table, or \u201c{key}\u201d is not a deployed one."},
    "bpmn.no_decision_chosen": {"ja": "ビジネスルールタスクで使う判定表（DMN）を選んでください。",
                                 "en": "Choose the decision table (DMN) the business rule task uses."},
    "bpmn.unknown_decision": {"ja": "判定表（DMN）「{key}」は公開されていません。",
                              "en": "There is no deployed decision table \u201c{key}\u201d."},
    "bpmn.no_start": {"ja": "開始イベントがありません。", "en": "There is no start event."},
    "bpmn.timer_spec": {
        "ja": "タイマーの値が読めません。期間は \"P5D\"、日時は \"2027-04-01T09:00:00+09:00\"、繰り返しは \"R3/PT1H\" のように、"
              "引用符で囲んだ式で書きます。",
        "en": "The timer's value cannot be read. Write it as a quoted expression: a duration \"P5D\", a date-time "
              "\"2027-04-01T09:00:00+09:00\", a cycle \"R3/PT1H\"."},
    "bpmn.dmn_feel_not": {"ja": "セル「{expression}」: FEELの not(…) は使えません。「!= 80」や「? not in (\"A\", \"B\")」のように書いてください。",
                          "en": "Cell \u201c{expression}\u201d: FEEL's not(…) is not supported; write != 80, or "
                                "? not in (\"A\", \"B\")."},
    "bpmn.lane_ref_missing": {"ja": "このレーンが、図にない要素「{ref}」を含むことになっています。",
                              "en": "This lane lists \u201c{ref}\u201d, which is not in the diagram."},
    "bpmn.decision_unread": {
        "ja": "この審査タスクの判断（承認・却下・差戻し）が、次のタスクや終了の前にどこでも使われていません。後ろに判断（decision）で"
              "分かれるゲートウェイを置いてください（このままでは却下・差戻しが無視されます）。",
        "en": "This review's decision (approve, reject, return) is read nowhere before the next task or the end: put "
              "a gateway that branches on decision after it (as it is, a rejection or a return is ignored)."},
    "bpmn.flow_without_condition": {
        "ja": "ゲートウェイから出るこのフローに条件式がありません。条件式を書くか、ゲートウェイの既定のフロー（default）にしてください。",
        "en": "This flow out of a gateway has no condition: write one, or make it the gateway's default flow."},
    "bpmn.subprocess_end": {"ja": "サブプロセスには終了イベントが必要です。", "en": "A subprocess needs an end event."},
    "bpmn.other": {"ja": "{detail}", "en": "{detail}"},
    "date_in_future": {"ja": "{field}は明日以降の日付にしてください。", "en": "{field} must be after today."},
    "date_range_order": {"ja": "{field}は開始日以降の日付にしてください。", "en": "{field} must not be before the start date."},
    "date_order": {"ja": "{field}は開催日以降の日付にしてください。", "en": "{field} must not be before the first day."},
    "unknown_physician": {"ja": "{field}「{value}」の医師は登録されていません。",
                          "en": "{field}: no physician with \u201c{value}\u201d."},
    "reduction_after_leaving": {
        "ja": "{field}: 退会が承認されており（{date}付）、{year}年度の始まる前に会員でなくなるため、この年度の会費減免は申請できません。",
        "en": "{field}: your withdrawal is approved (from {date}), so you are no longer a member when fiscal year {year} "
              "begins; there is no fee of that year to reduce."},
    "reduction_pending": {"ja": "{field}: この年度の会費減免申請はすでに審査中です。",
                          "en": "{field}: a fee reduction for this year is already under review."},
    "session_full": {"ja": "定員に達したため申し込めません。", "en": "The session is full."},
    "session_closed": {"ja": "この研修会は申込みを受け付けていません。", "en": "This session does not take applications."},
    "account_disabled_already": {"ja": "このアカウントはすでに利用停止中です。", "en": "This account is stopped already."},
    "account_active_already": {"ja": "このアカウントは利用停止されていません。", "en": "This account is not stopped."},
    "credentials_account_stopped": {
        "ja": "アカウントが利用停止中のため、ID・パスワード通知は発行できません。先に利用を再開してください。",
        "en": "The account is stopped, so no login notice can be issued: restore it first."},
    "association_changed_meanwhile": {
        "ja": "ほかの管理者がこの医師会を更新しました。保存されている内容を表示しています。確認のうえ、もう一度変更してください。",
        "en": "Another administrator changed this association meanwhile. Its saved values are shown: check them and "
              "make your change again."},
    "registration_closed": {"ja": "この研修会の申込みは締め切りました（申込締切 {day}）。",
                            "en": "Applications for this session closed on {day}."},
    "invalid_time": {"ja": "{field}は「9:30」の形式（時:分）で入力してください。",
                     "en": "{field} must be a time such as 9:30."},
    "time_order": {"ja": "{field}は開始時刻より後にしてください。", "en": "{field} must be after the starting time."},
    "race_lost": {"ja": "同じ時に行われた別の操作と重なったため、保存しませんでした。画面を読み込み直して、"
                                "内容を確認してください。",
                          "en": "Nothing was saved: another change was made at the same moment. Reload the page and "
                                "check what is there now."},
    "co_organisers_closed": {"ja": "取下げ・却下・中止・開催報告済みの研修会の共催は変更できません。",
                             "en": "The co-organisers of a session withdrawn, rejected, called off or reported "
                                   "cannot change."},
    "co_organiser_named": {"ja": "{field}: {names}にはすでに依頼しています。",
                           "en": "{field}: {names} already asked."},
    "co_organisation_answered": {"ja": "この共催の依頼には回答済みです。",
                                 "en": "This request to co-organise has been answered already."},
    "co_organisation_closed": {"ja": "この研修会は取下げ・却下・中止となったため、共催の依頼に回答できません。",
                               "en": "This session was withdrawn, rejected or called off: the request to "
                                     "co-organise can no longer be answered."},
    "already_registered": {"ja": "すでに申し込んでいます。", "en": "You have already applied."},
    "capacity_below_registered": {"ja": "{field}は申込済みの人数（{count}名）以上にしてください。",
                                  "en": "{field} must be at least the places taken ({count})."},
    "already_waiting": {"ja": "すでにキャンセル待ちに登録しています。", "en": "You are already on the waiting list."},
    "session_reported": {"ja": "この研修会の開催報告は提出済みです。", "en": "The report of this session has been filed."},
    "session_not_reported": {"ja": "開催報告の前です。出席者は開催報告で報告してください。",
                             "en": "The report has not been filed yet: report the attendees with it."},
    "no_new_attendees": {"ja": "{field}: 追加する出席者がいません（報告済みの出席者は追加できません）。",
                         "en": "{field}: nobody to add (those reported already are not added again)."},
    "session_not_held": {"ja": "承認され、終了した研修会だけ開催報告できます。",
                         "en": "Only an approved session that has ended can be reported."},
    "unprintable_chars": {"ja": "{field}に、認定証などに印字できない文字（{chars}）が含まれています。"
                                "通常の字体（例: 𠮷→吉）で入力してください。",
                          "en": "{field} contains characters that cannot be printed ({chars}). Use the usual form of "
                                "the character."},
    "certificate_overlap": {"ja": "{field}: 同じ制度の認定（{number}）と有効期間が重なっています。",
                            "en": "{field}: the period overlaps that of the same system's certificate {number}."},
    "specialist_common_moved": {
        "ja": "専門医共通講習の開催日は、申請日から3か月後の{earliest}以降にしてください。",
        "en": "A specialist common course must be held at least 3 months after it was filed: from {earliest}."},
    "specialist_common_notice": {
        "ja": "専門医共通講習は開催日の3か月前までに申請してください（今日の申請なら{earliest}以降の開催日）。",
        "en": "A specialist common course is filed at least 3 months ahead: a session from {earliest}, if filed "
              "today."},
    "registry_identity_mismatch": {
        "ja": "{field}: この番号で登録されている医師と、フリガナ・生年月日が一致しません。",
        "en": "{field}: the physician registered with this number has another kana name or birth date."},
    "import_identity_throttled": {
        "ja": "登録済みの医師とフリガナ・生年月日が一致しない行が、この24時間で{max}件を超えました。しばらくは、登録済みの医師を含むファイルを"
              "確認・取込みできません（医師の個人情報を守るため）。",
        "en": "More than {max} rows in the last 24 hours named a registered physician with another kana or birth date. "
              "For a while, files naming registered physicians cannot be checked or imported (to protect their data)."},
    "import_known_elsewhere": {
        "ja": "{field}: この医師は取込みでは加えられません（他の医師会の会員か、ご本人が利用登録済みです）。入会届を代理で作成して"
              "ください（ご本人にも通知され、各医師会が審査します）。",
        "en": "{field}: this physician cannot be added by an import (a member of another association, or registered "
              "in person); file an enrolment for them instead (they are told, and each association reviews it)."},
    "import_pending_application": {
        "ja": "{field}: この医師は申請（申請番号{application_id}）によってこの医師会に入会する途中です（審査中、または異動の"
              "日を待っています）。取込みではなく、その申請で入会させてください。",
        "en": "{field}: this physician is joining this association through application No. {application_id} (under "
              "review, or a transfer waiting for its date); let that application make them a member instead of "
              "importing the row."},
    "unknown_walk_in": {"ja": "{line}行目: 医籍登録番号とフリガナが一致する医師が見つかりません。",
                        "en": "Line {line}: no physician matches this registry number and kana name."},
    "unknown_walk_in_in_file": {"ja": "出席者のCSVの{line}行目: 医籍登録番号とフリガナが一致する医師が見つかりません。",
                                "en": "Attendance CSV, line {line}: no physician matches this registry number and "
                                      "kana name."},
    "walk_in_needs_kana_in_file": {"ja": "出席者のCSVの{line}行目: 医籍登録番号のあとの列にフリガナが必要です。",
                                   "en": "Attendance CSV, line {line}: a kana name is needed in a column after the "
                                         "registry number."},
    "walk_in_needs_kana": {"ja": "{line}行目: 医籍登録番号に続けてフリガナを書いてください（例: 123456 ニチイ タロウ）。",
                           "en": "Line {line}: write the kana name after the registry number "
                                 "(e.g. 123456 ニチイ タロウ)."},
    "credits_step": {"ja": "{field}は0.5単位きざみで、1件10単位までにしてください。",
                     "en": "{field}: use steps of 0.5, at most 10 per item."},
    "certificate_number_taken": {"ja": "{field}「{value}」は別の認定証にすでに使われています。",
                                 "en": "{field} \u201c{value}\u201d already belongs to another certificate."},
    "period_order": {"ja": "{field}は有効期間開始以降の日付にしてください。",
                     "en": "{field} must not be before the first day of validity."},
    "association_code_rule": {"ja": "{field}は半角英小文字・数字・_ で2〜32文字で入力してください。",
                              "en": "{field}: 2–32 lower-case letters, digits or _."},
    "association_code_taken": {"ja": "{field}「{value}」はすでに使われています。", "en": "{field} \u201c{value}\u201d is taken."},
    "one_national": {"ja": "{field}: 日本医師会はすでに登録されています。", "en": "{field}: the national association exists."},
    "parent_layer": {"ja": "{field}は{layer}層の医師会から選んでください。",
                     "en": "{field} must be an association of layer {layer}."},
    "one_per_prefecture": {"ja": "{field}「{value}」の医師会はすでに登録されています。",
                           "en": "{field}: \u201c{value}\u201d already has its association."},
    "not_yourself": {"ja": "自分自身のアカウントは停止できません。", "en": "You cannot suspend your own account."},
    "category_code_rule": {"ja": "{field}は半角英数字と記号 ( ) - _ . で20文字以内で入力してください。",
                           "en": "{field}: up to 20 letters, digits or ( ) - _ ."},
    "category_code_taken": {"ja": "{field}「{value}」はすでに使われています（廃止した区分を含む）。",
                            "en": "{field} \u201c{value}\u201d is already used (retired categories included)."},
    "last_category": {"ja": "提供中の会員区分が1つしかないため廃止できません。",
                      "en": "The only category on offer cannot be retired."},
    "credit_entered_twice": {"ja": "{field}: 同じ単位はすでに入力されています。",
                             "en": "{field}: these credits have been entered already."},
    "activity_reported": {"ja": "{field}: この日のこの活動はすでに報告しています。",
                          "en": "{field}: you have already reported this activity on that day."},
    "certification_renewed": {"ja": "{field}: この制度の認定は更新済みです（{valid_from}から有効）。次の更新は、その認定の期間に入ってから申請できます。",
                              "en": "{field}: this certification has been renewed already (valid from {valid_from}). "
                                    "The next renewal can be applied for once that period has begun."},
    "certification_pending": {"ja": "{field}: この制度の認定申請はすでに審査中です。",
                              "en": "{field}: an application for this certification is already under review."},
    "certification_is_new": {"ja": "{field}: 有効な認定証がないため、新規の申請になります。",
                             "en": "{field}: you hold no valid certificate, so this is a new application."},
    "certification_is_renewal": {"ja": "{field}: 有効な認定証があるため、更新の申請になります。",
                                 "en": "{field}: you hold a valid certificate, so this is a renewal."},
    "jma_not_by_transfer": {"ja": "{field}: 日本医師会への入会は異動届ではできません。入会届で申請してください。",
                            "en": "{field}: joining JMA is not done by a transfer; file an enrolment."},
    "category_kept": {"ja": "{field}: {association}には引き続き所属するため、会員区分は現在のままです（区分の変更は異動届ではできません）。",
                      "en": "{field}: you stay at {association}, so its member category stays as it is (a transfer "
                            "does not change categories)."},
    "csv_unreadable": {"ja": "{field}: {line}行目をCSVとして読み取れません（引用符の閉じ忘れや、極端に長い項目がないかご確認ください）。",
                       "en": "{field}: line {line} cannot be read as CSV (look for an unclosed quote or a field that "
                             "is far too long)."},
    "not_eligible": {"ja": "{field}: 単位が要件に足りないため、まだ申請できません。",
                     "en": "{field}: your credits do not meet the requirements yet."},
    "no_city_membership": {"ja": "{field}: 医師会の会員でないため申請できません（審査する医師会がありません）。",
                           "en": "{field}: you are not a member of any association, so nobody can review it."},
    "process_key_rule": {"ja": "{field}は、英小文字で始まる3〜50文字の英小文字・数字・_ にしてください（例: board_review）。",
                         "en": "{field}: 3–50 lower-case letters, digits or _, beginning with a letter (board_review, say)."},
    "process_key_taken": {"ja": "{field}は、すでに使われています。", "en": "{field} is taken already."},
    "version_moved": {"ja": "{version}版をもとにした変更ですが、その後に新しい版（{latest}版）が公開されています。最新版に変更を加えて"
                                "から、もう一度公開してください。",
                      "en": "This change was made on version {version}, but version {latest} has been deployed since. "
                            "Make the change on the latest version and deploy again."},
    "draft_changed": {"ja": "この下書きは他の人が先に保存しました。再読み込みしてから編集してください。",
                      "en": "Someone else saved this draft meanwhile. Reload it before editing."},
    "migration.not_running": {"ja": "実行中ではないため移行できません。", "en": "Not running: nothing to migrate."},
    "migration.up_to_date": {"ja": "すでに最新版で動いています。", "en": "Already on the latest versions."},
    "migration.task_removed": {"ja": "新しい版にないタスクがあるため移行できません: {tasks}",
                               "en": "Cannot migrate: the new version no longer has {tasks}."},
    "migration.failed": {"ja": "新しい版では続けられないため移行できません: {detail}",
                         "en": "Cannot migrate: the new version cannot carry it on: {detail}"},
    "bad_process": {"ja": "BPMNを読み込めません: {detail}", "en": "The BPMN cannot be used: {detail}"},
    "server_error": {"ja": "システムエラーが発生しました。途中まで保存されることはありません。結果を確かめてから、必要なら"
                           "もう一度行ってください。",
                     "en": "An internal error occurred. Nothing is ever saved halfway: check the result and, if "
                           "needed, try again."},
    "method_not_allowed": {"ja": "このメソッドは使えません。", "en": "Method not allowed."},
}


def label(field: str, lang: str = DEFAULT_LANG, context: str | None = None) -> str:
    """A field's label; `context` (an application kind) picks a kind's own wording first,
    e.g. withdrawal.desired_date → 退会希望年月日."""
    base = field.split(".")[0].split("[")[0]
    entry = (FIELD_LABELS.get(f"{context}.{field}") or FIELD_LABELS.get(f"{context}.{base}") if context else None) \
        or FIELD_LABELS.get(field) or FIELD_LABELS.get(base)
    return entry.get(lang, entry["ja"]) if entry else field


def _mid_sentence(name: str) -> str:
    """An English label inside a sentence: "Choose new facility", "A comment is required" — the
    first letter lowered unless the word is an acronym or a name (ID, JMA, Login ID keeps its ID)."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and first not in _PROPER_WORDS:
        return first.lower() + name[len(first):]
    return name


#: English label words that stay capitalised inside a sentence
_PROPER_WORDS = {"Japan", "Japanese", "Hokkaido", "Tokyo", "English"}


#: the longest value a message quotes in full, and the parameters that quote the client's input
ECHO_MAX = 60
ECHOED = ("code", "value")


def render(key: str, lang: str = DEFAULT_LANG, /, field: str | None = None, context: str | None = None,
           **params) -> str:
    entry = MESSAGES.get(key) or {"ja": key, "en": key}
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if field is not None:
        name = label(field, lang, context)
        if lang == "en" and not text.startswith("{field}"):
            name = _mid_sentence(name)
        params.setdefault("field", name)
    if "other_field" in params:  # a second field the message names (…が卒業年月より前…)
        other = label(params.pop("other_field"), lang, context)
        params["other"] = _mid_sentence(other) if lang == "en" else other
    # a value echoed from the client (an unknown code) is cut: a megabyte sent is not answered back
    params = {k: f"{v[:ECHO_MAX]}…" if k in ECHOED and isinstance(v, str) and len(v) > ECHO_MAX else v
              for k, v in params.items()}
    # a list (the columns a file lacks) is written as the language writes a run-in list
    params = {k: (", " if lang == "en" else "、").join(map(str, v)) if isinstance(v, (list, tuple)) else v
              for k, v in params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
