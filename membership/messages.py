"""User-facing messages of the domain, in Japanese (default) and English.

Use cases raise errors that carry message keys; the web layer renders them in the user's
language. Keeping the texts here means one wording for the screens and the API.
"""

from __future__ import annotations

DEFAULT_LANG = "ja"

FIELD_LABELS: dict[str, dict[str, str]] = {
    "login_id": {"ja": "ログインID", "en": "Login ID"},
    "password": {"ja": "パスワード", "en": "Password"},
    "kind": {"ja": "申請の種類", "en": "Application kind"},
    "desired_date": {"ja": "入会希望年月日", "en": "Desired date"},
    "facility_id": {"ja": "所属施設", "en": "Facility"},
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
    "association": {"ja": "所属医師会", "en": "Association"},
    "ids": {"ja": "タスク", "en": "Tasks"},
    "bpmn": {"ja": "BPMN", "en": "BPMN"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "required": {"ja": "{field}を入力してください。", "en": "{field} is required."},
    "choose": {"ja": "{field}を選択してください。", "en": "Choose {field}."},
    "invalid": {"ja": "{field}の形式が正しくありません。", "en": "{field} is not valid."},
    "invalid_date": {"ja": "{field}は YYYY-MM-DD の形式の日付で入力してください。",
                     "en": "{field} must be a date in the form YYYY-MM-DD."},
    "date_in_past": {"ja": "{field}は本日以降の日付を入力してください。",
                     "en": "{field} must be today or later."},
    "unknown_association": {"ja": "{field}: 医師会「{code}」は存在しません。",
                            "en": "{field}: there is no association \"{code}\"."},
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
    "unknown_position": {"ja": "{field}は一覧から選んでください。", "en": "Choose {field} from the list."},
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
    # whole-request messages
    "bad_input": {"ja": "入力内容に誤りがあります。", "en": "The input has errors."},
    "bad_credentials": {"ja": "ログインIDまたはパスワードに誤りがあります。",
                        "en": "The login ID or password is wrong."},
    "throttled": {"ja": "ログインの失敗が続いたため、しばらくログインできません。{minutes}分後にお試しください。",
                  "en": "Too many failed logins. Try again in {minutes} minutes."},
    "not_logged_in": {"ja": "ログインしてください。", "en": "Please log in."},
    "forbidden": {"ja": "この操作を行う権限がありません。", "en": "You may not do this."},
    "not_found": {"ja": "見つかりません。", "en": "Not found."},
    "task_not_open": {"ja": "このタスクはすでに処理されています（他の担当者が処理した可能性があります）。",
                      "en": "This task is no longer open (someone else may have completed it)."},
    "task_claimed": {"ja": "このタスクは他の担当者が担当しています。",
                     "en": "Another staff member has claimed this task."},
    "not_cancellable": {"ja": "この申請は取り消せません。", "en": "This application can no longer be cancelled."},
    "chain_broken": {"ja": "下位の医師会の会員資格が有効でないため、この医師会への入会は承認できません。",
                     "en": "This membership cannot start while a lower layer of its chain is not active."},
    "concurrent_change": {"ja": "他の操作と重なりました。もう一度お試しください。",
                          "en": "Another change happened at the same time; try again."},
    "bad_process": {"ja": "BPMNを読み込めません: {detail}", "en": "The BPMN cannot be used: {detail}"},
    "server_error": {"ja": "システムエラーが発生しました。", "en": "An internal error occurred."},
    "method_not_allowed": {"ja": "このメソッドは使えません。", "en": "Method not allowed."},
}


def label(field: str, lang: str = DEFAULT_LANG) -> str:
    base = field.split(".")[0].split("[")[0]
    entry = FIELD_LABELS.get(field) or FIELD_LABELS.get(base)
    return entry.get(lang, entry["ja"]) if entry else field


def render(key: str, lang: str = DEFAULT_LANG, field: str | None = None, **params) -> str:
    entry = MESSAGES.get(key) or {"ja": key, "en": key}
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if field is not None:
        params.setdefault("field", label(field, lang))
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
