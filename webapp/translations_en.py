"""English texts for the Japanese strings the templates pass to `_()`. Missing ones stay Japanese."""

from membership.messages import FIELD_LABELS

EN = {
    "医師会会員情報システム": "Medical Association Member Information System",
    "本文へ移動": "Skip to content", "言語": "Language", "様": "", "ログアウト": "Log out", "メニュー": "Menu",
    "マイページTOP": "My Page", "入会届": "Enrolment", "医師会入退会履歴": "Membership history",
    "タスク一覧": "Task inbox", "オープンソースの医師会会員情報システム": "Open-source member information system",
    "入力内容に誤りがあります。": "The input has errors.", "必須": "Required",
    "所属施設名": "Facility", "所属施設名（フリガナ）": "Facility (kana)", "施設所在地": "Address",
    "開設主体": "Owner type", "病床の有無": "Beds", "有": "yes", "無": "none", "許可病床数": "licensed beds",
    "床": "", "併設の施設": "Annexed facilities", "申請先の医師会": "Associations applied to",
    "医師会名": "Association", "会員区分": "Member category", "状況": "Status", "層": " layer",
    "ページが見つかりません": "Page not found", "この操作を行う権限がありません": "You may not do this",
    "他の操作と重なりました": "Conflicting change", "リクエストが正しくありません": "Bad request",
    "エラーが発生しました": "An error occurred", "マイページTOPへ戻る": "Back to My Page",
    "ログイン": "Log in", "ログインID": "Login ID", "パスワード": "Password", "ログインする": "Log in",
    "会員の初回ログインはID・パスワード通知ハガキを確認のうえ入力してください。":
        "Members logging in for the first time: use the ID and password on your notice postcard.",
    "マイページ": "My Page", "医籍登録番号": "Medical registry number", "第": "No. ", "号": "",
    "申請ステータス": "Applications", "現在、申請はありません": "You have no applications.",
    "申請日": "Filed", "入会希望年月日": "Desired start date", "申請内容を修正して再提出する": "Amend and resubmit",
    "所属医師会": "Memberships", "入会日": "Since", "会員": "Member", "退会": "Left",
    "所属している医師会はありません。": "You are not a member of any association.", "各種申請": "Applications",
    "※入会・異動・退会届は、医師会によって申請時にご提出いただく書類が異なります。申請される前にお電話またはメールにてお問合せください。":
        "Each association asks for different documents; please contact it before applying.",
    "日付": "Date", "内容": "Event", "入会": "Joined", "会員区分変更": "Category changed", "履歴はありません。": "No history.",
    "申請内容": "Application", "所属施設": "Facility", "施設・業務": "Facility and duty", "役職": "Position",
    "この申請を取り消す": "Cancel this application", "申請を取り消しました。": "The application was cancelled.",
    "手順": "Steps", "医師会選択": "Associations", "入力": "Details", "確認・申請": "Confirm",
    "入会する医師会を選択してください。": "Choose the associations to join.",
    "※入会を申請された各医師会で審査・承認後に、入会完了となります。":
        "Membership starts when each association has reviewed and approved the application.",
    "※医師会事務局よりご連絡することがありますので、ご対応のほどよろしくお願いいたします。":
        "An association's secretariat may contact you.",
    "新規入会は所属施設の所在地を目安に選択してください": "Choose by the location of your facility",
    "都道府県": "Prefecture", "選択してください": "Please choose", "郡市区": "City/county", "検索": "Search",
    "入会を希望する医師会と会員区分を選択してください": "Choose associations and member categories",
    "地区医師会": "District association", "郡市区等医師会": "City/county association",
    "郡市区等医師会に入会しない": "Do not join a city/county association",
    "都道府県医師会": "Prefectural association", "日本医師会": "Japan Medical Association",
    "入力フォームに進む": "Continue", "この地域の医師会は見つかりませんでした。": "No associations found here.",
    "選択ください": "Choose", "会員区分基準": "Category criteria",
    "該当する所属施設を選択してください": "Choose your facility", "件": " found",
    "該当する施設はありません。": "No facility matches.", "（半角入力）例: 2027/04/01": "e.g. 2027/04/01",
    "選択中の施設": "Selected facility",
    "所属施設名または住所の一部を入力してください（部分一致、スペース区切り）": "Part of the facility's name or address",
    "施設を検索": "Search facilities", "施設・業務を選択してください。（1つだけ）": "Facility and duty (choose one)",
    "役職を選択してください": "Choose a position", "必要事項を入力してください。": "Enter the details.",
    "※文書送付先の初期値は「所属施設」です。": "Mail is sent to your facility by default.",
    "確認画面に進む": "Review", "戻る": "Back", "入力内容をご確認ください。": "Check your application.",
    "入会希望医師会": "Associations", "入会を申請する": "Apply", "入会届を受け付けました": "Enrolment received",
    "申請番号": "Application no.",
    "入会を申請された各医師会で審査・承認後に、入会完了となります。申請の状況はマイページでご確認いただけます。":
        "Membership starts when each association approves. Follow the status on My Page.",
    "処理の流れ": "Process", "現在の位置": "Now at", "待機中": "Waiting", "版": "version",
    "図を表示できませんでした。": "The diagram could not be shown.",
    "太枠が現在の位置、緑が処理済み、点線が待機中（期限待ちのタイマーなど）の要素です。ドラッグで移動、Ctrl＋ホイールで拡大・縮小できます。":
        "Bold: where the process is now; green: done; dashed: waiting (e.g. a timer). Drag to move, Ctrl+wheel to zoom.",
    "上位への通知": "Escalated to us", "上位へ通知済": "Escalated",
    "期限を過ぎたため上位の医師会に通知された審査です（閲覧のみ）。審査は次の医師会が行います":
        "This overdue review was escalated to your association (read only). It is reviewed by",
    "期限を過ぎたため上位の医師会に通知されました": "Overdue: the next layer's secretariat was told",
    "状態": "Status", "未処理": "Open", "処理済み": "Done", "すべて": "All", "受付日時": "Received",
    "タスク": "Task", "期限": "Due", "取消": "Cancelled", "承認": "Approved", "却下": "Rejected",
    "差戻し": "Returned", "再提出": "Resubmitted", "申請中": "Under review", "一時保存": "Draft", "完了": "Completed",
    "タスクはありません。": "No tasks.", "申請者": "Applicant", "このタスクは処理済みです。": "This task is done.",
    "審査": "Review", "判断": "Decision", "コメント": "Comment",
    "却下・差戻しの場合は理由を入力してください（1000文字以内）。申請者に通知されます。":
        "Give a reason to reject or return (up to 1000 characters); the applicant is told.",
    "決定する": "Decide", "申請内容の修正": "Amend the application", "医師会への連絡事項": "Note to the association",
    "修正して再提出する": "Resubmit", "処理しました。": "Done.",
}

# Accounts, registration, registered data and the member pages (issue 3).
EN.update({
    "登録情報": "Registered data", "会員一覧": "Members", "パスワードをお忘れの方はこちら": "Forgot your password?",
    "未登録の方（医師会未入会の医師）はこちら": "Not registered yet (physicians who are not members)? Register here",
    "利用者登録": "Registration", "ログイン情報・利用者登録情報の入力": "Login and registration details",
    "「必須」の項目をすべて入力してください。必須項目に一つでも入力漏れがある場合は登録できません。":
        "Fill in every field marked Required; registration needs all of them.",
    "ログイン情報": "Login", "メールアドレス": "Email address", "確認画面へ進む": "Continue to confirmation",
    "メールアドレスを登録しました": "Email address registered",
    "続いて、ログインIDとパスワードを変更してください。": "Next, change your login ID and password.",
    "ログインID・パスワードの変更へ": "Change login ID and password", "マイページへ": "Go to My Page",
    "パスワードを再設定しました": "Password reset",
    "新しいパスワードでログインしてください。ほかの端末でのログインはすべて終了しました。":
        "Log in with your new password. Every other session has been ended.",
    "ログインページに戻る": "Back to the login page", "入力内容の確認": "Confirm your input",
    "入力内容を確認のうえ、修正等がなければ「登録する」をクリックしてください。":
        "Check your input and click Register if it is correct.",
    "所属学会": "Academic societies", "修正する": "Edit", "登録する": "Register", "URLが無効です": "Invalid link",
    "利用者登録をはじめからやり直す": "Start the registration again", "パスワードの再設定をやり直す": "Reset the password again",
    "メールを送信しました": "Mail sent",
    "ご入力の登録情報が一致した場合、登録されたメールアドレスにパスワード再設定用のURLをお送りしました。24時間以内に再設定してください。":
        "If the details match, a reset link has been sent to the registered address. Use it within 24 hours.",
    "次のアドレスにメールをお送りしました。メールに記載のURLをクリックしてください（有効期限24時間）。":
        "A mail has been sent to this address. Click the link in it (valid for 24 hours).",
    "メールが届かない場合は、迷惑メールフォルダをご確認いただくか、所属医師会事務局にお問い合わせください。":
        "If no mail arrives, check your spam folder or contact your association's office.",
    "パスワードの再設定": "Reset password",
    "登録情報を入力して「メールを送信」をクリックしてください。再設定用のURLをお送りします。":
        "Enter your registered details and click Send; we will mail you a reset link.",
    "メールを送信": "Send", "利用者登録が完了しました": "Registration complete",
    "登録したメールアドレスに登録完了メールをお送りしました。": "A confirmation has been mailed to your address.",
    "郵便番号": "Postal code",
    "半角数字7文字とハイフン（例: 113-8621）。入力すると都道府県と住所を補完します。":
        "7 digits with a hyphen (e.g. 113-8621); fills in the prefecture and address.",
    "住所（番地まで）": "Address", "全角/半角50文字以内": "Up to 50 characters", "医籍": "Medical registry",
    "氏名": "Name", "自宅現住所": "Home address", "連絡先": "Contact", "生年月日・性別": "Date of birth and sex",
    "性別": "Sex", "診療科名": "Departments", "選択": "Choose", "出身校・大学院": "Education",
    "所属学会名の一部を入力して一覧から選ぶか、一覧にない学会は全角20文字以内で入力してください。":
        "Type part of a society's name and pick it, or type one not listed (up to 20 characters).",
    "MAMISの利用規約": "MAMIS terms of use",
    "利用規約を全てご確認のうえ、「利用規約に同意する」にチェックをして「次へ」をクリックしてください。":
        "Read the terms of use (in Japanese), tick \"I agree\" and click Next.",
    "利用規約に同意する": "I agree to the terms of use", "次へ": "Next", "メールアドレスの入力": "Email address",
    "メールアドレスを2回入力して「送信する」をクリックしてください。入力したアドレスに確認のメールが届きます。":
        "Enter your email address twice and click Send; a confirmation mail will arrive.",
    "送信する": "Send", "新しいパスワードの登録": "New password",
    "半角英字・数字・記号の3種類すべてを使用し8文字以上": "At least 8 characters using letters, digits and symbols",
    "ログインID・パスワードの変更": "Change login ID and password",
    "初期ログインID・パスワードでログインした場合は、ログインID・パスワードの変更が必須となります。":
        "You logged in with issued credentials: you must change both the login ID and the password.",
    "半角英数字・記号8文字以上、32文字以内（使用できる記号：! @ % & #）":
        "8–32 letters, digits or the symbols ! @ % & #",
    "変更する": "Change", "会員に代わって申請しています": "Applying on behalf of",
    "申請は会員本人のものとして扱われ、監査ログには代理で操作した事務局職員が記録されます。":
        "The application belongs to the member; the audit trail records you as the staff member who acted.",
    "医師会事務局による代理申請": "Filed by association staff on your behalf",
    "会員に代わって入力しています。変更履歴と監査ログには、あなたが入力したことが記録されます。":
        "You are entering data for a member; the history and audit trail record you as the one who did.",
    "送付物設定": "Dispatch settings", "送付物の発送を停止する": "Stop sending mail", "更新する": "Update",
    "変更履歴": "History of changes", "日時": "Date", "項目": "Field", "変更前": "Before", "変更後": "After",
    "入力者": "Entered by", "医師会事務局（代理入力）": "Association staff (on behalf)", "本人": "The member",
    "変更履歴はありません。": "No changes yet.", "氏名・フリガナ・医籍登録番号・ログインID":
        "Name, kana, registry number or login ID", "該当件数": "Found", "フリガナ": "Kana",
    "該当する会員はいません。": "No member found.", "前へ": "Previous",
    "（アカウントなし）": "(no account)", "会員に代わって操作する": "Act for this member",
    "登録情報を変更する": "Edit registered data", "入会届を代理で作成する": "File an enrolment for this member",
    "ID・パスワード通知を発行する（PDF）": "Issue a login notice (PDF)",
    "発行すると、これまでのログインID・パスワードは使えなくなります。":
        "Issuing one makes the previous login ID and password stop working.",
    "登録情報の変更履歴": "History of registered data", "会員に代わって入会届を提出しました。":
        "The enrolment was filed on the member's behalf.",
    "半角数字6文字": "6 digits", "例: 1998-05-01": "e.g. 1998-05-01", "全角カタカナ64文字以内": "Katakana, up to 64",
    "32文字以内": "Up to 32 characters", "半角15文字以内、ハイフンあり": "Up to 15 digits and hyphens",
    "固定電話がある場合は入力（半角15文字以内、ハイフンあり）": "If you have a landline (up to 15 digits and hyphens)",
    "例: 1970-04-01": "e.g. 1970-04-01", "例: 1996-03": "e.g. 1996-03", "例: 2002-03": "e.g. 2002-03",
    "例: 2003-03": "e.g. 2003-03", "全角100文字以内": "Up to 100 characters",
    "大学名の一部を入力して一覧から選ぶか、一覧にない場合は全角30文字以内で入力":
        "Type part of the university's name and pick it, or type one not listed (up to 30 characters)",
    "大学名の一部を入力して一覧から選ぶか、全角30文字以内で入力":
        "Type part of the university's name and pick it, or type it (up to 30 characters)",
    "男性": "Male", "女性": "Female", "勤務先（施設）": "Workplace (facility)", "自宅": "Home",
    "選択してください": "Choose", "利用規約": "Terms of use", "入会日": "Since", "所属医師会": "Associations",
    "登録情報を更新しました。": "Registered data updated.", "変更はありませんでした。": "Nothing changed.",
    "ページ": "Pages", "検索": "Search", "アカウントを利用停止にしました。": "The account is disabled.",
    "アカウントの利用停止": "Disable the account", "理由": "Reason", "利用停止にする": "Disable",
    "ログインできなくなります。会員情報・履歴は削除されません。": "The member can no longer log in; no data is deleted.",
    "利用停止中": "Disabled", "休業日の設定": "Closed days", "休業日を登録しました。": "Closed day saved.",
    "土日・祝日のほかに事務局が休む日です。審査の期限（営業日）の計算に使います。":
        "Days the office is closed besides weekends and holidays; used for due dates in business days.",
    "ダッシュボード": "Dashboard", "未処理の審査タスク": "Open review tasks",
    "申請の種類・層ごとの未処理": "Open by application kind and layer", "件数": "Count",
    "未処理の経過日数": "Age of open tasks", "週ごとの処理件数": "Completed per week", "週（月曜日）": "Week (Monday)",
    "処理件数": "Completed", "〜7日": "up to 7 days", "8〜14日": "8–14 days", "15〜30日": "15–30 days",
    "31日〜": "31 days or more",
    "会員データの取込み": "Import member data", "CSVで出力": "Export CSV", "CSVファイル": "CSV file",
    "CSV（UTF-8 または Shift_JIS、1行目は見出し）で、次の列が必要です": "A CSV file (UTF-8 or Shift_JIS, a header row) with",
    "まず「確認する」で全行を検査します。1行でも誤りがあれば取り込みは行われません（すべて取り込むか、何も取り込まないかのどちらかです）。":
        "Check first: every row is examined. If any row has an error nothing is imported (all rows or none).",
    "確認する（登録しません）": "Check (imports nothing)", "取り込む": "Import", "確認結果": "Result of the check",
    "問題のない行": "Good rows", "誤りのある行": "Rows with errors", "行": "Line", "誤り": "Errors",
    "取り込みました": "Imported",
    "コメント・メモ": "Notes", "申請者に送信済み": "sent to the applicant", "コメントはありません。": "No notes.",
    "コメント・メモ（関係する医師会の事務局が見られます）": "Note (seen by the offices of every layer involved)",
    "申請者にも送る（メールとマイページ）": "Also send to the applicant (mail and My Page)",
    "コメントを登録しました。": "Note saved.", "医師会からのお知らせ": "Messages from the associations",
    "医師会": "Association", "表示": "Show", "日付": "Date", "名称": "Name", "削除": "Delete",
    "差し戻された申請があります。会員に代わって修正・再提出できます。":
        "An application was returned; you can amend and resubmit it for the member.",
})
# Field labels of the forms: one wording, kept in membership.messages.
EN.update({entry["ja"]: entry["en"] for entry in FIELD_LABELS.values()})
