"""English texts for the Japanese strings the templates pass to `_()`. Missing ones stay Japanese."""

from membership.certifications import TERMS_EN
from membership.messages import FIELD_LABELS

EN = {
    '※ 上層の医師会だけに入会することはできません（下の層から順に選んでください）。': 'You cannot join an upper layer alone; choose from the lowest layer up.',
    '※ 下層の医師会を退会する場合、上層の医師会も同時退会となります。': 'Leaving a lower-layer association also leaves every association above it.',
    '※ 医師会事務局よりご連絡することがありますので、ご対応のほどよろしくお願いいたします。': 'An association office may contact you.',
    '※ 同じ都道府県内の異動では郡市区等・地区の医師会のみ、他の都道府県への異動では都道府県医師会も変わります。日本医師会の会員資格は継続します。': 'Within a prefecture only the city and district associations change; moving to another prefecture changes the prefecture too. JMA membership continues.',
    '※ 申請された各医師会で審査・承認後に完了となります。': 'It completes once every association concerned has approved it.',
    '※ 複数のグループが表示されている場合、1回の操作につき1グループのみ申請が可能です。': 'If several groups are shown, one application covers one group.',
    '※ 退会を申請された各医師会で審査・承認後に、退会となります。': 'You leave once every association concerned has approved.',
    '※ 退会意思確認等のため医師会事務局よりご連絡することがありますので、ご対応のほどよろしくお願いいたします。': 'An association office may contact you to confirm.',
    '※ 関係するすべての医師会の承認後、異動年月日をもって一括して異動します。': 'Once every association concerned approves, the move takes effect on its date, all at once.',
    '※ 関係するすべての医師会の承認後、異動年月日をもって一括して異動します。それまでは現在の会員資格が継続します。': 'Once every association concerned approves, the move takes effect on its date, all at once; until then your current memberships continue.',
    '※ファイルは3つまで。3つを超える場合は、ZIPファイル等にまとめてアップロード': 'At most 3 files; bundle more into a ZIP file.',
    '※入会する医師会によって入会申請時にご提出いただく書類が異なります。申請される前にお電話またはメールにてお問合せください。': 'Each association asks for different documents; please contact it before applying.',
    '※次に入会する医師会がお決まりの場合は「異動届」からお手続きください。': 'If you are joining another association, file a transfer instead.',
    '※退会されますと、お申込みいただいている各種サービスのご利用ができなくなるものがあります。': 'After leaving, some services you use may no longer be available.',
    'あと': '',
    'つ': ' more',
    'あなたが担当しています。': 'You have claimed this task.',
    'お知らせ': 'Notices',
    'お知らせはありません。': 'No notices.',
    'お知らせ管理': 'Notices',
    'このグループでは、すべての層の医師会に入会済みです。': 'You belong to every layer of this group already.',
    'この条件に該当するすべてを承認する': 'Approve everything matching this filter',
    'この条件を保存': 'Save this filter',
    'ご登録のメールアドレスに確認メール（自動送信）をお送りしています。': 'A confirmation mail was sent to your registered address.',
    'その他の内容': 'Other (details)',
    'アップロードする': 'Upload',
    'キャンセル': 'Cancel',
    'ダウンロード': 'Download',
    'ファイルを選択': 'Choose files',
    'ファイル名': 'File name',
    '一括承認（理事会など）': 'Bulk approval (board meetings)',
    '一時保存する': 'Save draft',
    '上層の医師会に入会する': 'join the layers above',
    '下層の医師会を退会するため同時退会': 'left with the layer below',
    '並べ替え': 'Sort',
    '他の職員': 'Another staff member',
    '他の職員が担当しています。処理するには引き継いでください。': 'Another staff member has claimed this task; take it over to work it.',
    '会員証': 'Member card',
    '作成中の代理申請（一時保存）': 'Drafts filed for members',
    '作成中の申請（一時保存）': 'Your drafts',
    '例) 2層の都道府県医師会を退会される場合、同グループの1層 日本医師会も同時退会となります。': 'E.g. leaving the prefecture (layer 2) also leaves JMA (layer 1) in that group.',
    '保存': 'saved',
    '修正': 'Amend',
    '入会する医師会ごとに、必要な書類をアップロードしてください（PDF・画像・ZIP、1ファイル10MBまで）。': 'Upload the documents each association asks for (PDF, images or ZIP, 10 MB per file).',
    '医師会によって提出いただく書類が異なります。必要な書類があれば、医師会ごとにアップロードしてください（PDF・画像・ZIP、1ファイル10MBまで）。':
        'Each association asks for its own documents. If any are needed, upload them per association '
        '(PDF, images or ZIP, 10 MB per file).',
    '版のメモ（変更内容と理由）': 'Version note (what changes and why)',
    'ライブラリの版の一覧に表示されます（500文字以内・任意）。': 'Shown in the library\'s list of versions (optional, up to 500 characters).',
    '版のメモ': 'Note',
    '該当する施設が多いため、先頭の%(n)s件を表示しています。施設名や住所の語を加えて絞り込んでください。':
        'Many facilities match: the first %(n)s are shown. Add words of the name or address to narrow them down.',
    '※ 日本医師会の会員資格は継続し、異動は日本医師会に記録されます。':
        'JMA membership continues; the move is recorded at JMA.',
    'この方は貴会の現会員ではないため、会員に代わって操作することはできません（記録の閲覧のみ）。':
        'This person is not a current member of your association: you can read the records but not act for them.',
    '選択したタスクが見つかりません。一覧を更新してから、もう一度お試しください。':
        'The chosen tasks were not found. Reload the list and try again.',
    'このタスクは、ほかの方がすでに処理していました。あなたの入力は記録されていません。':
        'Someone had already completed this task; what you entered was not recorded.',
    '利用規約が改定されました。改定後の内容をご確認のうえ、あらためて同意してください。':
        'The terms of use have been revised. Please read them and agree again.',
    '変更する場合は、所属する医師会にお問い合わせください。':
        'To change it, please contact your association.',
    'この申請はもう修正できません（取り消されたか、すでに処理されています）。あなたの入力は記録されていません。':
        'This application can no longer be amended (it was cancelled or has been dealt with); what you entered '
        'was not recorded.',
    '入会を継続する': 'Stay a member',
    '処理できなかったタスク': 'Tasks not processed',
    '削除する': 'Delete',
    '勤務先の変更や転居で所属する医師会が変わる場合に提出してください。現在の医師会の退会と新しい医師会の入会を、まとめて申請します。': 'File this when a new workplace or home changes your associations: leaving the old ones and joining the new ones in one application.',
    '印刷する': 'Print',
    '昇順': 'Ascending',
    '同時に退会': 'also leaves',
    '大きさ': 'Size',
    '実行する': 'Continue',
    '審査中の医師会には、修正されたことが表示されます。': 'The reviewing associations will see that you amended it.',
    '市区町村': 'City',
    '引き継いで担当する': 'Take over',
    '引き継ぐ理由': 'Reason for taking over',
    '形式': 'Format',
    '担当': 'Assignee',
    '担当する': 'Claim',
    '担当の履歴': 'Assignment history',
    '担当を外れる': 'Unclaim',
    '担当者はいません（事務局の誰でも処理できます）。': 'Unclaimed (anyone in the office may work it).',
    '担当者を変更': 'Reassign',
    '掲載期間': 'Shown',
    '提出先': 'For',
    '提出書類はありません。': 'No documents.',
    '操作': 'Actions',
    '降順': 'Descending',
    '施設名または住所の一部を入力してください（部分一致、スペース区切り）': 'Part of the facility name or address (space-separated terms)',
    '施設未定': 'No facility',
    '日本医師会 会員番号': 'JMA member ID',
    '日本医師会には、以下のようなメリットがあります。': 'JMA membership offers:',
    '最大アップロードサイズ：10MB': 'Maximum upload size: 10 MB',
    '期限超過': 'Overdue',
    '未定': 'Undecided',
    '未定・一覧にない': 'Undecided / not listed',
    '本当に退会しますか？': 'Do you really want to leave?',
    '状態・判断': 'Status / decision',
    '現在の所属': 'Current memberships',
    '理事会資料として出力': 'Export as board material',
    '申請者が審査中に申請内容を修正しました': 'The applicant amended the application during review',
    '申請番号・申請者（氏名・フリガナ・医籍登録番号）': 'Application no. or applicant (name, kana or registry number)',
    '異動するグループ': 'Group to move',
    '異動できる所属医師会はありません。': 'You have no membership to move.',
    '異動の内容': 'The move',
    '異動の内容をご確認のうえ「異動を申請する」ボタンを押下してください。': 'Check the move, then press "File the transfer".',
    '異動を申請する': 'File the transfer',
    '異動先の都道府県': 'New prefecture',
    '異動届': 'Transfer',
    '異動届を受け付けました': 'Your transfer was received',
    '登録済みのお知らせ': 'Notices',
    '管理者のお知らせはログイン画面とすべての会員のマイページに、医師会のお知らせはその医師会の会員のマイページに表示されます。': "An admin's notices show on the login page and every My Page; an association's on its members' My Page.",
    '絞り込み・並べ替え': 'Filter and sort',
    '続きから入力する': 'Continue',
    '自分': 'Me',
    '自宅会員': 'Home member',
    '自宅会員（勤務先がない）': 'Home member (no workplace)',
    '表示日': 'Shown on',
    '該当するすべてを出力': 'Export all matching',
    '追加で入会する医師会': 'Associations to join',
    '追加入会': 'Additional enrolment',
    '退会される医師会をご確認のうえ「退会を申請する」ボタンを押下してください。': 'Check the associations, then press "File the withdrawal".',
    '退会する': 'Leave',
    '退会する医師会': 'Association to leave',
    '退会する医師会を選択してください。': 'Choose the association to leave.',
    '退会できる所属医師会はありません。': 'You have no membership to leave.',
    '退会の申請を受付けました': 'Your withdrawal was received',
    '退会を申請する': 'File the withdrawal',
    '退会届': 'Withdrawal',
    '退会届の修正': 'Amend the withdrawal',
    '退会届を代理で作成する（死亡など）': 'File a withdrawal for this member (e.g. death)',
    '退会手続きを続けますか？': 'Continue with leaving?',
    '退会申請先': 'Associations left',
    '選択したものを出力': 'Export the selected',
    '選択したタスクを承認する': 'Approve the selected tasks',
    '都道府県が変わる場合は、新しい都道府県医師会の会員区分も選択してください': 'If the prefecture changes, choose a member category of the new prefecture association too',
    '関係する各医師会で審査・承認後、異動年月日をもって異動が完了します。申請の状況はマイページでご確認いただけます。': 'The move completes on its date once every association concerned approves; follow it on My Page.',
    '（全角/半角50文字以内）': '(at most 50 characters)',
    '（半角入力）': '(half-width)',
    '（日本医師会の会員ではありません）': '(not a JMA member)',
    "医師会会員情報システム": "Medical Association Member Information System",
    "本文へ移動": "Skip to content", "言語": "Language", "様": "", "ログアウト": "Log out", "メニュー": "Menu",
    "マイページTOP": "My Page", "入会届": "Enrolment", "医師会入退会履歴": "Membership history",
    "タスク一覧": "Task inbox", "オープンソースの医師会会員情報システム": "Open-source member information system",
    "入力内容に誤りがあります。": "The input has errors.", "必須": "Required",
    "所属施設名": "Facility name", "所属施設名（フリガナ）": "Facility name (kana)", "施設所在地": "Address",
    "開設主体": "Owner type", "病床の有無": "Beds", "有": "yes", "無": "none", "許可病床数": "licensed beds",
    "床": "", "併設の施設": "Annexed facilities", "申請先の医師会": "Associations applied to",
    "医師会名": "Association", "会員区分": "Member category", "状況": "Status", "層": "Layer",
    "ページが見つかりません": "Page not found", "この操作を行う権限がありません": "You may not do this",
    "他の操作と重なりました": "Conflicting change", "リクエストが正しくありません": "Bad request",
    "エラーが発生しました": "An error occurred", "マイページTOPへ戻る": "Back to My Page",
    "ログイン": "Log in", "ログインID": "Login ID", "パスワード": "Password", "ログインする": "Log in",
    "会員の初回ログインはID・パスワード通知ハガキを確認のうえ入力してください。":
        "Members logging in for the first time: use the ID and password on your notice postcard.",
    "マイページ": "My Page", "医籍登録番号": "Medical registry number", "第": "", "号": "",
    "申請ステータス": "Your applications", "現在、申請はありません": "You have no applications.",
    "申請日": "Filed", "入会希望年月日": "Desired start date", "申請内容を修正して再提出する": "Amend and resubmit",
    "会員": "Member", "退会": "Left", "入会予定": "Joins on the start date", "退会予定": "leaves on the date", "退会申請中": "leaving, under review",
    "異動申請中": "moving, under review", "異動予定": "moves on the date",
    "所属している医師会はありません。": "You are not a member of any association.", "各種申請": "Apply for",
    "※入会・異動・退会届は、医師会によって申請時にご提出いただく書類が異なります。申請される前にお電話またはメールにてお問合せください。":
        "Each association asks for different documents; please contact it before applying.",
    "日付": "Date", "内容": "Details", "入会": "Joined", "会員区分変更": "Category changed", "履歴はありません。": "No history.",
    "申請内容": "Application", "所属施設": "Facility", "施設・業務": "Facility and duty", "役職": "Position",
    "この申請を取り消す": "Cancel this application", "申請を取り消しました。": "The application was cancelled.",
    "手順": "Steps", "医師会選択": "Associations", "入力": "Details", "確認・申請": "Confirm",
    "入会する医師会を選択してください。": "Choose the associations to join.",
    "※入会を申請された各医師会で審査・承認後に、入会完了となります。":
        "Membership starts when each association has reviewed and approved the application.",
    "※医師会事務局よりご連絡することがありますので、ご対応のほどよろしくお願いいたします。":
        "An association's secretariat may contact you.",
    "新規入会は所属施設の所在地を目安に選択してください": "Choose by the location of your facility",
    "都道府県": "Prefecture", "郡市区": "City/county", "検索": "Search",
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
    "タスクはありません。": "No tasks.", "未処理のタスクはありません。": "No open tasks.",
    "このページのタスクをすべて選択": "Select every task on this page",
    "担当者を変更できる他の職員がいません。": "There is no other staff member to hand this task to.",
    "決定して次のタスクへ": "Decide and open the next task", "処理しました。次のタスクです。": "Done. Here is the next task.",
    "処理しました。この一覧に、ほかに処理できるタスクはありません。": "Done. There is no other task in this list for you to decide.", "申請者": "Applicant", "このタスクは処理済みです。": "This task is done.",
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
    "半角数字7文字とハイフン（例: 060-0001）。入力すると都道府県と住所を補完します。":
        "7 digits with a hyphen (e.g. 060-0001); fills in the prefecture and address.",
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
    "男性": "Male", "女性": "Female", "自宅": "Home",
    "選択してください": "Choose", "利用規約": "Terms of use", "入会日": "Since", "所属医師会": "Associations", "非会員": "Non-member", "未着（前の医師会の審査待ち）": "Not reached yet (waits for the review before it)", "管内の医師会ごとの未処理": "Open reviews at the associations below", "管内の医師会で審査を待っている申請の数です（その下の医師会の分を含みます）。": "Applications waiting for a review at each association below this one (with those below it).", "所属医師会（管内）": "Member of (below this office)", "その医師会と、その下の医師会の会員": "Members of that association and of those below it", "自会の受信箱": "This association's inbox", "申請元": "Filed through", "その医師会と、その下の医師会からの申請": "Applications through that association and those below it", "入会予定（異動）": "Joining (transfer)",
    "登録情報を更新しました。": "Registered data updated.", "変更はありませんでした。": "Nothing changed.",
    "ページ": "Pages", "検索": "Search", "アカウントを利用停止にしました。": "The account is disabled.",
    "アカウントの利用停止": "Disable the account", "理由": "Reason", "利用停止にする": "Disable",
    "ログインできなくなります。会員情報・履歴は削除されません。": "The member can no longer log in; no data is deleted.",
    "利用停止中": "Disabled", "休業日の設定": "Closed days", "休業日を登録しました。": "Closed day saved.",
    "土日・祝日と年末年始（12月29日〜1月3日、すべての医師会）のほかに事務局が休む日です。審査の期限（営業日）の計算に使います。":
        "Days the office is closed besides weekends, public holidays and the New Year holidays (29 December to 3 January, every association). Review deadlines (business days) are counted without them.",
    "登録・削除した休業日は、これから届く審査の期限と上位への通知日に使われます。すでに届いている審査の期限は変わりません。":
        "A closed day added or removed counts for the reviews that arrive from now on (their deadlines and escalations); the deadlines of reviews already here stay as they are.",
    "ダッシュボード": "Dashboard", "未処理の審査タスク": "Open review tasks",
    "申請の種類・層ごとの未処理": "Open by application kind and layer", "件数": "Count",
    "未処理の経過日数": "Age of open tasks", "週ごとの処理件数": "Completed per week", "週（月曜日）": "Week (Monday)",
    "処理件数": "Completed", "概要": "Summary", "今週の処理件数": "Completed this week",
    "平均処理日数": "Mean days to complete",
    "期限超過・期限間近・担当者なしはタスク一覧の同じ名前の表示で開けます。":
        "Overdue, due-soon and unclaimed tasks open in the inbox views of the same names.",
    "平均処理日数: タスクが作られてから処理されるまでの日数（暦日）の平均。上の数字は表示中の全期間の平均です。":
        "Mean days to complete: the mean number of calendar days from a task's creation to its completion. "
        "The figure at the top is the mean over all the weeks shown.",
    "〜7日": "up to 7 days", "8〜14日": "8–14 days", "15〜30日": "15–30 days",
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
# the process designer's screens (library, editor, dry run, migration)
EN.update({
    '配置日時':
        'Deployed at',
    'BPMN図の編集領域':
        'BPMN diagram editor',
    'システム（processes/ から）':
        'System (from processes/)',
    '実行中':
        'Running',
    '最初の違い（記録 → 下書き）':
        'First difference (recorded → draft)',
    '試行と公開':
        'Dry run and deploy',
    '最新版への移行':
        'Migration to the latest version',
    'プロパティ':
        'Properties',
    '下書きでの結果':
        'Outcome with the draft',
    '呼び出しプロセス':
        'Called process',
    '配置（デプロイ）された版は変更されません。新しい申請は最新版で始まり、実行中の申請は開始時の版のまま進みます。':
        'Deployed versions never change. New applications start on the latest version; running ones stay on the version they started with.',
    '移行した':
        'Migrated',
    '記録された結果':
        'Recorded outcome',
    '移行できなかった':
        'Not migrated',
    '下書き保存':
        'Save draft',
    '変化':
        'Change',
    'インスタンス':
        'Instance',
    '現在の最新版':
        'Current latest version',
    '試行して公開へ':
        'Dry run and deploy',
    '図と右のプロパティを編集して「下書き保存」を押すと、サーバーで検証します。問題があっても下書きは保存されますが、公開はできません。スクリプトは使えません（サービス操作と安全な式だけ）。':
        'Edit the diagram and the properties on the right, then press “Save draft”: the server validates it. A draft with problems is saved but cannot be deployed. Scripts are not available (service operations and safe expressions only).',
    'エディタで直す':
        'Fix it in the editor',
    '試行（ドライラン）':
        'Dry run',
    'この版で実行中のインスタンスはありません。':
        'No instance runs on this version.',
    '経路または結果が変わる申請':
        'Applications whose path or outcome changes',
    '問題':
        'Problems',
    '下書きあり':
        'Draft saved',
    '作成':
        'Created',
    '問題があるため公開できません':
        'Cannot be deployed: it has problems',
    '最新版':
        'Latest version',
    'プロセスの編集':
        'Edit process',
    '変わる':
        'Changes',
    '下書きを破棄':
        'Discard draft',
    'エディタへ戻る':
        'Back to the editor',
    '種類':
        'Kind',
    '下書き':
        'Draft',
    'から':
        'from',
    'プロセス一覧へ戻る':
        'Back to the process library',
    '編集':
        'Edit',
    '配置した人':
        'Deployed by',
    '公開する（新しい版）':
        'Deploy (new version)',
    '実行中を最新版へ移行':
        'Migrate running ones to the latest',
    '結果':
        'Result',
    '今いるタスクが新しい版にもある場合だけ移行します（担当者や履歴はそのまま）。':
        'Migrates only if the task it is at exists in the new version too (claim and history are kept).',
    '呼び出し':
        'Calls',
    'データ':
        'Data',
    'タスクの履歴':
        'Task history',
    'インスタンス一覧へ戻る':
        'Back to the instances',
    '個人に関わる値は伏せて表示しています。':
        'Personal values are masked.',
    '最新版へ移行':
        'Migrate to the latest version',
    '同じ':
        'Same',
    '検証の結果（公開できない理由）':
        'Validation (why it cannot be deployed)',
    '移行':
        'Migration',
    '申請':
        'Application',
    'プロセス一覧':
        'Process library',
    '改訂':
        'revision',
    'このプロセスを使って完了した申請はまだありません。':
        'No completed application has used this process yet.',
    '最近完了した申請（最大 {n} 件）を、記録された判断のまま下書きで動かし直しました。データは何も変わりません。':
        'The latest completed applications (up to {n}) were run again through the draft with their recorded decisions. No data was changed.',
    'このシステムの設定':
        'This system',
    'タスクの種類':
        'Task kind',
    'フォームキー':
        'Form key',
    '担当する医師会（式）':
        'Association (expression)',
    '担当する利用者（式）':
        'User (expression)',
    '期限（営業日数）':
        'Due (business days)',
    'サービス操作':
        'Service operation',
    '結果を入れる変数':
        'Result variable',
    '条件式':
        'Condition',
    '例: decision == "approve"（安全な式のみ）':
        'e.g. decision == "approve" (safe expressions only)',
    '例: part["association"]（属性アクセス・関数定義は使えません）':
        'e.g. part["association"] (no attribute access, no function definitions)',
    '呼び出すプロセス':
        'Called process',
    '保存しています…':
        'Saving…',
    '下書きを保存しました。問題はありません。':
        'Draft saved. No problems.',
    '下書きを保存しました。問題が {n} 件あります（公開できません）。':
        'Draft saved with {n} problem(s) (cannot be deployed).',
    '保存できませんでした。':
        'Could not save.',
    '保存していない変更があります。':
        'There are unsaved changes.',
    '図を読み込めませんでした。':
        'Could not load the diagram.',
    '判断の記録がないタスクで止まる':
        'Stops at a task nobody decided',
    'エラーで止まる':
        'Stops with an error',
    '終わらない':
        'Does not end',
    '下書きがありません。エディタで保存してください。':
        'There is no draft. Save one in the editor.',
    '問題のある下書きは公開できません。':
        'A draft with problems cannot be deployed.',
    '公開しました。新しい申請はこの版で始まります。':
        'Deployed. New applications start on this version.',
    '下書きを破棄しました。':
        'Draft discarded.',
    '決定表の編集領域': 'Decision table editor',
    '決定表のセルは安全な式で書きます: 値（"A"、50）、比較（>= 50、< 5）、または ? を入力値とする式（1 <= ? < 5）。ヒットポリシーは UNIQUE と COLLECT が使えます。':
        'Cells are safe expressions: a value ("A", 50), a comparison (>= 50, < 5) or an expression with ? for the input (1 <= ? < 5). Hit policies UNIQUE and COLLECT are supported.',
    '最新版へ移行しました。':
        'Migrated to the latest version.',
    '入会届':
        'Enrolment',
    '退会届':
        'Withdrawal',
    '異動届':
        'Transfer',
})
# credits, certification and training sessions
EN.update({
    'の認定を申請する':
        ': apply for certification',
    '不足':
        'Missing',
    '主催':
        'Organiser',
    '入力内容を確認してください':
        'Please check your input',
    '区分':
        'Category',
    '単位が足りません':
        'Not enough credits',
    '単位の種類':
        'Kind of credits',
    '単位を数える期間':
        'Credits counted from',
    '単位・認定':
        'Credits and certification',
    '単位・認定へ戻る':
        'Back to credits and certification',
    '取得の記録':
        'Records',
    '取得単位':
        'Credits earned',
    '取得済み':
        'Earned',
    '受講済みです。単位は「単位・認定」に記録されています。':
        'You attended. The credits are on “Credits and certification”.',
    '受講者':
        'Attendees',
    '受講者が取得する単位':
        'Credits an attendee earns',
    '受講証明書（PDF）':
        'Attendance certificate (PDF)',
    '合計':
        'Total',
    '学習内容':
        'What you studied',
    '学習単位取得証':
        'Credit certificate',
    '定員に達しました':
        'Full',
    '年':
        '',
    '年別':
        'By year',
    '当日参加者の医籍登録番号とフリガナ（1行に1人、例: 123456 ニチイ タロウ）':
        'Registry number and kana name of each walk-in attendee (one per line, e.g. 123456 ニチイ タロウ)',
    '必要な単位数':
        'Credits required',
    '有効期間':
        'Valid',
    '現在の期間':
        'Current window',
    '生涯教育申告書':
        'Lifelong-education declaration',
    '生涯教育申告書（自己学習の単位を申告）':
        'Lifelong-education declaration (self-study credits)',
    '申し込む':
        'Apply',
    '申告する':
        'Declare',
    '申請する':
        'Apply',
    '申請できます':
        'You may apply',
    '申請は都道府県医師会・日本医師会の順に審査され、日本医師会の承認後に会員へ公開されます。':
        'The prefecture and then JMA review it; once JMA approves, members see it.',
    '申込':
        'Applied',
    '申込み':
        'Application',
    '申込みは受け付けていません。':
        'Applications are closed.',
    '申込みを取り消す':
        'Cancel my application',
    '申込日時':
        'Applied at',
    '申込済み':
        'Applied',
    '申込済みです。':
        'You have applied.',
    '研修会':
        'Training sessions',
    '研修会の申請':
        'File a training session',
    '研修会を申請する':
        'File a training session',
    '研修会・e-ラーニング以外で学習した単位を申告します（1件ずつ、0.5単位きざみ、1件10単位まで）。':
        'Declare credits from study outside sessions and e-learning (one item at a time, steps of 0.5, at most 10 per item).',
    '研修会一覧へ戻る':
        'Back to the sessions',
    '確認する':
        'Check',
    '確認コード':
        'Verification code',
    '確認コード: この確認コードの認定証はありません。':
        'Verification code: no certificate has this code.',
    '表示できる研修会はありません。':
        'No sessions to show.',
    '要件':
        'Requirement',
    '要件（必要な単位数）は日本医師会が定める決定表によります。申請は郡市区医師会・都道府県医師会・日本医師会の順に審査され、各医師会の理事会の承認後に認定されます（かかりつけ医機能研修は都道府県医師会が修了証書を発行します）。':
        'The requirements come from JMA’s decision table. The city/county association, the prefecture and JMA review the application in turn, each after its board meeting (for primary-care training the prefecture issues the certificate of completion).',
    '認定申請':
        'Certification application',
    '認定番号':
        'Certificate number',
    '認定証':
        'Certificate',
    '認定証に記載された確認コードを入力すると、その認定証が有効かどうかを確認できます。':
        'Enter the verification code printed on a certificate to check whether it is valid.',
    '認定証の確認':
        'Verify a certificate',
    '認定証はまだありません。':
        'No certificates yet.',
    '認定証（PDF）':
        'Certificate (PDF, in Japanese)',
    '開催報告を受け付けられません（何も記録していません）':
        'The report cannot be accepted (nothing was recorded)',
    '開催報告を提出する（出席者に単位を付与）':
        'File the report (credits to the attendees)',
    '有効':
        'Valid',
    '有効期限切れ':
        'Expired',
    '有効期間開始前':
        'Not yet valid',
    '承認待ち':
        'Awaiting approval',
    '受付中':
        'Open',
    '開催済み（報告待ち）':
        'Held (report due)',
    '開催報告済み':
        'Reported',
    '取下げ':
        'Withdrawn',
    '新規':
        'New',
    '更新':
        'Renewal',
    '研修会の承認申請':
        'Training session approval',
    '単位データの取込み':
        'Credit import',
})
EN.update({
    'この認定番号の認定証はありません。':
        'No certificate has this number.',
    'または出席者のCSV（1列目が医籍登録番号、フリガナの列も）':
        'or a CSV of the attendees (registry number in the first column, and a kana name column)',
    'マイページへ戻る':
        'Back to My Page',
    '人数':
        'Members',
    '会費減免の対象者':
        'Fee reduction candidates',
    '会費減免申請':
        'Fee reduction application',
    '取消の理由':
        'Reason for revoking',
    '対象者':
        'Candidates',
    '対象者はいません。':
        'No candidates.',
    '当会の会員のうち、決定表（年齢・卒業後の年数）で減免の対象となる方です。年齢と年数は今年度の初日（4月1日）で数えます。':
        'Members of this association who qualify by the decision table (age, years since graduation), counted on the first day (1 April) of this fiscal year.',
    '所属している医師会がないため申請できません。':
        'You cannot apply: you belong to no association.',
    '添付書類（修了証の写しなど、3件まで・各10MBまで）':
        'Documents (e.g. copies of completion certificates; up to 3, 10 MB each)',
    '減免を受ける医師会の組（所属の系列）と年度、事由を選んでください。各医師会が下の層から順に審査します。':
        'Choose the associations (one of your chains), the fiscal year and the reason. Each association reviews it, from the lowest layer up.',
    '総括表':
        'Summary sheet',
    '認定を取り消す':
        'Revoke the certification',
    '認定証の管理':
        'Certificates',
    '会費減免':
        'Fee reductions',
})
# Bulk runs (board meetings), worked in the background.
EN.update({
    "一括承認を開始しました。進み具合はこのページに表示されます。": "Bulk approval started; its progress shows on this page.",
    "タスク一覧へ戻る": "Back to the inbox",
    "処理できなかったもの": "Failed",
    "開始": "Started",
    "終了": "finished",
    "処理中": "Working",
    "処理は裏で続きます。このページを閉じても止まりません。": "It goes on in the background; closing this page does not stop it.",
    "最新の状態を表示": "Show the latest state",
    "すべて承認しました。": "All approved.",
    "一括承認を処理中": "Bulk approval in progress",
    "一括承認": "Bulk approval",
    "進み具合を見る": "See its progress",
    "一括承認を中止しました。処理済みのものはそのままです。": "Bulk approval stopped; what was done stays done.",
    "中止する（処理済みのものはそのまま）": "Stop (what is done stays done)",
    "中止": "Stopped",
    "結果を出力（理事会の議事録に）": "Export the result (for the board's minutes)",
    "一括承認の結果": "Result of bulk approval",
    "処理できなかった": "Failed",
    "結果": "Result",
    "処理できなかったものをもう一度承認する": "Approve the failed ones again",
    "中止されました。未処理": "Stopped. Not worked",
    "一括承認の履歴": "Bulk approvals so far",
    "実行者": "Started by",
    "番号": "No.",
    "一括承認はまだありません。": "No bulk approvals yet.",
    "条件で絞り込んでから、もう一度お試しください。": "Narrow the filter and try again.",
})
# Texts that had none (found by tests/webapp/test_translations__complete.py).
EN.update({
    "単位・認定（認定産業医・認定健康スポーツ医・生涯教育・かかりつけ医機能研修）": "Credits and certifications (occupational, health-sports, lifelong education, primary-care training)",
    "異動届を代理で作成する": "File a transfer on the member's behalf",
    "単位を数えた期間": "Period the credits were counted over",
    "申請時の単位": "Credits when applying",
    "差戻しの内容を確認し、必要な書類を医師会へ提出したうえで再提出してください。":
        "Read why it was returned, send the association the documents it needs, then resubmit.",
    "順序": "Order",
    "保存した検索条件": "Saved filters",
    "インスタンス一覧": "Instances",
    "現在のタスク": "Current tasks",
    "タイマー": "Timers",
    "この版で開始したインスタンスはありません。": "No instance started on this version.",
    "入力内容を一時保存しました。マイページの「作成中の申請」から再開できます。":
        "Saved. You can continue from \"Your drafts\" on My Page.",
    "作成中の申請を削除しました。": "The draft was deleted.",
    "入力内容を一時保存しました。会員一覧の「作成中の代理申請」から再開できます。":
        "Saved. You can continue from \"Drafts filed for members\" on the member list.",
    "ファイルを削除しました。": "The file was deleted.",
    "お知らせを削除しました。": "The notice was deleted.",
    "お知らせを登録しました。": "The notice was saved.",
    "検索条件を保存しました。": "The filter was saved.",
    "タスクを選択してください。": "Choose tasks first.",
    "会費減免申請を受け付けました。所属する医師会が順に審査します。":
        "Your fee-reduction application was received; your associations review it in turn.",
    "開催報告を受け付けました。出席者に単位を付与しました。":
        "The session report was received; the attendees' credits were granted.",
    "研修会の承認申請を受け付けました。都道府県医師会・日本医師会の順に審査されます。":
        "The session was filed; the prefecture and then JMA review it.",
    "申請内容を修正しました。審査中の医師会に修正が表示されます。":
        "The application was amended; the reviewing associations see the change.",
    "認定を取り消しました。": "The certification was revoked.",
    "認定申請を受け付けました。次の医師会の順に審査されます:":
        "Your certification application was received. These associations review it in turn:",
    "実地研修の活動を報告しました。": "Your practical-training activity was reported.",
    "キャンセル待ち": "Waiting list", "順番": "Position",
    "認定医名簿": "Certified physicians",
    '一緒に開催する医師会・団体を名前で検索して選びます。選んだ医師会には共催の依頼が届き、承諾すると受講者を確認でき、受講者はその医師会にも紐づきます。申請・変更・開催報告は主催の医師会が行います。': 'Search by name for the associations or bodies holding the session with you, and tick them. Each is asked to co-organise; once it accepts it sees the attendees, who are linked to it too. The organiser alone files, changes and reports the session.',
    "共催の依頼": "Requests to co-organise",
    "主催の医師会から、この研修会の共催を依頼されています。": "The organiser asks your association to co-organise this session.",
    "承諾すると、この研修会の受講者（氏名・医籍登録番号など）を確認でき、受講者は貴会にも紐づきます。承諾するまで受講者は表示されません。辞退すると、この研修会は共催者として表示されません。":
        "If you accept, you see this session's attendees (names, registry numbers and so on), and they are linked to your association too. Until you accept, the attendees are not shown. If you decline, your association is not shown as a co-organiser.",
    "共催を承諾する": "Accept to co-organise",
    "辞退する": "Decline",
    "共催を辞退しますか？主催の医師会に知らせます。": "Decline to co-organise? The organiser will be told.",
    "承諾するまで、受講者の情報は表示されません。研修会名から内容を確認し、承諾または辞退してください。":
        "Attendees are not shown until you accept. Open a session to read it, then accept or decline.",
    "共催を承諾しました。受講者を確認できます。": "You accepted to co-organise. The attendees are shown.",
    "共催を辞退しました。主催の医師会に知らせました。": "You declined to co-organise. The organiser has been told.",
    "回答待ち": "Awaiting answer", "承諾": "Accepted", "辞退": "Declined",
    "研修会の修正・再提出": "Correct and resubmit the session", "差し戻し": "Returned",
    "内容を修正して再提出すると、差し戻した医師会から審査が再開されます。共催の依頼・取消しは研修会のページで行います。":
        "Once corrected and resubmitted, the review starts again at the association that returned it. Co-organisers "
        "are asked or dropped on the session's page.",
    "再提出のコメント（任意）": "Comment for the reviewers (optional)",
    "研修会のページへ戻る": "Back to the session",
    "この研修会は差し戻されていないため、修正できません。": "This session has not been returned: there is nothing to correct.",
    "研修会を修正して再提出しました。差し戻した医師会から審査が再開されます。":
        "The session was corrected and resubmitted. The review starts again at the association that returned it.",
    "研修会名・日程・会場・定員・単位などを直す場合は、研修会の修正画面から再提出してください。直すところがなければ、下からそのまま再提出できます。":
        "To change the title, dates, place, places or credits, resubmit from the session's correction page. If "
        "nothing needs changing, resubmit it as it is below.",
    "研修会の内容を修正する": "Correct the session", "差し戻されました": "Returned",
    "研修会の内容を修正して再提出する": "Correct and resubmit the session",
    "死亡による退会は、死亡日を入力してください（過去の日付も入力できます）。":
        "For a withdrawal on death, enter the date of death (a past date is accepted).",
    "この研修会の承認申請を取り下げますか？審査中の医師会の審査は終了します。":
        "Withdraw this session's application? The review under way ends.",
    "承認申請を取り下げる": "Withdraw the application", "研修会の承認申請を取り下げました。": "The session's application was withdrawn.",
    "所属している医師会がないため、退会届は必要ありません。": "You belong to no association: there is nothing to withdraw from.",
    "審査中の申請があるため、その結果が出るまで退会届は出せません。":
        "An application under review changes your membership: a withdrawal can be filed once it is decided.",
    "審査中の申請がある所属は、その結果が出るまで退会届を出せません。":
        "A membership with an application under review cannot be left until that is decided.",
    "審査中の申請があるため、その結果が出るまで異動届は出せません。":
        "An application under review changes your membership: a transfer can be filed once it is decided.",
    "審査の状況": "Where the review stands",
    "次の内容で申請します。よろしければ「申請する」を押してください。": "This is what will be applied for. If it is right, press Apply.",
    "更新済み": "Renewed", "更新後の認定が発行済みです。": "The renewed certificate has been issued.",
    "共催の依頼・取消し": "Ask or drop co-organisers",
    "共催を取り消しますか？相手の医師会は受講者を確認できなくなります。":
        "Drop this co-organiser? That association will no longer see the attendees.",
    "共催を取り消す": "End co-organisation", "依頼を取り下げる": "Withdraw the request",
    "共催を依頼する医師会": "Associations to ask to co-organise",
    "名前で検索して選びます。依頼された医師会が承諾すると、受講者を確認できるようになります。":
        "Search by name and tick. Once an association accepts, it sees the attendees.",
    "共催を依頼する": "Ask to co-organise", "共催を依頼しました。": "Asked to co-organise.",
    "共催を取り消しました。": "The co-organisation has ended.",
    "共催の依頼を取り下げました。": "The request to co-organise has been withdrawn.",
    '共催（任意）': 'Co-organisers (optional)',
    # the user tasks' names in the shipped processes (a designer's new names show as written)
    "事務局の審査": "Secretariat review", "申請の修正・再提出": "Amend and resubmit",
    '研修会の受講者（会員外）': 'Session attendee (not a member)',
    'この医師は貴会の会員ではなく、貴会の研修会の受講者として表示しています。': 'This physician is not a member of your association; they are shown as an attendee of its sessions.',
    "貴会を退会した方です。貴会の会員であった期間の記録だけを表示しています（連絡先・所属施設・ほかの医師会の会員資格・退会後の変更は表示しません）。":
        "A former member of your association: only the record of their membership here is shown (not their contact "
        "details, facility, memberships elsewhere or changes since they left).", "保険・年金": "Insurance and pension",
    '保険・年金データの取込み': 'Import insurance and pension data',
    '保険・年金の加入状況': 'Insurance and pension',
    '種類はコードで指定します（liability: 日本医師会医師賠償責任保険、liability_rider: 日医医賠責特約保険、pension: 日医医師年金）。加入状況は 加入・未加入・脱退 のいずれか。各行はその医師のその種類の状況を置き換えます。': "Give the kind as a code (liability, liability_rider, pension) and the standing as 加入, 未加入 or 脱退. Each row replaces that physician's standing in that scheme.",
    '制度': 'Scheme',
    '加入状況': 'Standing',
    '加入日': 'Since',
    '情報なし': 'No record',
    '日本医師会の記録にもとづきます。「情報なし」の場合や内容に誤りがある場合は、日本医師会にお問い合わせください。': "From JMA's records. If there is no record or it is wrong, please contact JMA.",
    '日本医師会医師賠償責任保険': "JMA physicians' liability insurance",
    '日医医賠責特約保険': 'JMA liability insurance rider',
    '日医医師年金': "JMA physicians' pension",
    '加入': 'Enrolled',
    '未加入': 'Not enrolled',
    '脱退': 'Left',
    '医師会の管理': 'Associations',
    '医師会名・フリガナ・コード': 'Name, kana or code',
    '未設定': 'Not set',
    '該当する医師会はありません。': 'No association matches.',
    '医師会を登録する': 'Register an association',
    '医師会コード・種別・上位の医師会は登録後に変更できません（会員資格と審査の順序がこれにもとづくため）。': 'The code, kind and parent cannot change once registered (memberships and the order of review depend on them).',
    '都道府県（都道府県医師会のみ）': 'Prefecture (prefectural associations only)',
    '入会届の「都道府県・郡市区」検索で、この医師会を表示する市区町村。1行に1つ（郡市区医師会・地区医師会）。': 'The municipalities for which the enrolment search shows this association, one per line (city and district associations).',
    '医師会の一覧へ戻る': 'Back to the associations',
    '医師会を登録しました。会員区分を設定してください。': 'The association was registered. Now set its member categories.',
    '医師会の情報を更新しました。': 'The association was updated.',
    '郡市区医師会': 'City/county association',
    '職域医師会': 'Occupational association',
    '大学医師会': 'University association',
    '地区医師会（支部）': 'District association (branch)',
    '外部団体（研修会の主催）': 'External body (organises sessions)',
    "事務局アカウント": "Staff accounts",
    "アカウントを作成しました。": "The account was created.",
    "仮パスワードを再発行しました。": "A new temporary password was issued.",
    "次の仮パスワードを本人に伝えてください。この画面を離れると二度と表示されません。初回ログイン時に変更が必要です。": "Hand this temporary password to its holder. It is not shown again once you leave this page, and must be changed at first login.",
    "仮パスワード": "Temporary password",
    "ログインID・表示名": "Login ID or display name",
    "最終ログイン": "Last login",
    "パスワード変更待ち": "password to be changed",
    "停止中": "Suspended",
    "仮パスワードを再発行": "New temporary password",
    "停止の理由": "Reason for suspending",
    "停止する": "Suspend",
    "再開する": "Restore",
    "該当するアカウントはありません。": "No account matches.",
    "アカウントを作成する": "Create an account",
    "所属医師会（事務局のみ）": "Association (secretariat only)",
    "作成して仮パスワードを発行する": "Create and issue a temporary password",
    "アカウントを停止しました。": "The account was suspended.",
    "アカウントを再開しました。": "The account was restored.",
    "事務局": "Secretariat",
    "プロセス設計者": "Process designer",
    "システム管理者": "Administrator",
    "会員区分の設定": "Member categories",
    "入会届で選べる会員区分と、その基準の説明です。使われている区分は削除できません。廃止すると新しい申請では選べなくなり、すでにその区分の会員はそのまま残ります。":
        "The member categories applicants choose from, with their criteria. A category in use cannot be deleted: "
        "retired, it is no longer offered, and members who have it keep it.",
    "区分コード": "Category code", "区分名・基準": "Name and criteria", "操作": "Actions", "区分名": "Category name",
    "区分の基準": "Criteria", "廃止": "Retired", "提供中": "Offered", "再び提供する": "Offer again",
    "を上へ": "up", "を下へ": "down", "廃止する": "Retire", "会員区分を追加する": "Add a category",
    "半角英数字と記号 ( ) - _ . で20文字以内。会員データの取込みでも使います。":
        "Up to 20 letters, digits or ( ) - _ . — member data imports use it too.",
    "追加する": "Add", "会員区分を追加しました。": "The category was added.",
    "会員区分を更新しました。": "The category was updated.",
    "手帳・修了証の単位の入力": "Enter credits from a handbook or certificate", "単位の区分": "Kind of credits",
    "産業医手帳や修了証に記載された単位を1行ずつ入力します。入力した単位は申請の要件に数えられ、会員のマイページにも表示されます。":
        "Enter, line by line, the credits written in the member's occupational-physician handbook or on a "
        "certificate. They count for the requirements and show on the member's My Page.",
    "単位を入力する": "Enter the credits", "単位を入力しました。": "The credits were entered.",
    "手帳・修了証（医師会入力）": "Handbook or certificate (entered by the association)",
    "内容（研修会名・手帳の記載など）": "What they were for (session, handbook entry)",
    "認定申請の代理入力": "Enter a certification application for a member",
    "の認定申請を、紙の申請書にもとづいて事務局が代理で入力します。申請書の写しを添付してください。":
        ": the office enters the certification application received on paper. Attach a copy of the form.",
    "単位が足りない場合は、紙の修了証などの単位を先に「単位データの取込み」（システム管理者）で登録してください。":
        "If credits are missing, have those on paper certificates imported first (administrators: Import credits).",
    "会員の詳細へ戻る": "Back to the member", "認定申請を代理で入力する（紙の申請書）":
        "Enter a certification application (paper form)",
    "会員に代わって認定申請を提出しました。": "The certification application was filed for the member.",
    "研修会の変更・中止": "Change or call off the session", "開催中止": "Called off", "中止の理由": "Why it was called off",
    "研修会名と単位は承認されたとおりで、変更できません。変更すると申込者（キャンセル待ちを含む）にメールで知らせます。":
        "The title and credits stay as approved. Those who applied (the waiting list too) are mailed any change.",
    "変更を保存して申込者に知らせる": "Save and tell those who applied", "研修会を中止する": "Call the session off",
    "研修会の内容を変更し、申込者にメールで知らせました。": "The session was changed; those who applied were mailed.",
    "研修会を中止しました。申込者に知らせました。": "The session was called off; those who applied were told.",
    "ログイン通知の一括発行": "Login notices in bulk",
    "会員に初回ログイン用の仮のログインIDとパスワードを発行し、郵送用の通知（PDF、1名1ページ、窓付き封筒用の宛名入り）を作成します。":
        "Issue temporary login IDs and passwords to members and make the notices to post (a PDF, one page "
        "each, addressed for window envelopes).",
    "パスワードはこのPDFにしか残りません。PDFを紛失した場合は「発行済みで未ログインの会員」に再発行してください（前の通知は使えなくなります）。":
        "The passwords exist only in that PDF. If it is lost, issue again to \u201cmembers issued but never logged "
        "in\u201d (the earlier notices stop working).",
    "一度に発行するのは": "At most", "名までです。残りは続けて発行してください。": "members are issued at once; issue again for the rest.",
    "発行の対象": "Issue to", "人数": "Members", "通知を発行する": "Issue notices",
    "ログインIDが未発行の会員": "Members without a login", "発行済みで未ログインの会員": "Members issued but never logged in",
    "発行の対象となる会員はいません。": "No member to issue to.", "会員一覧へ戻る": "Back to the member list",
    "認定証の有効期限が近づいています": "A certificate ends soon", "有効期限": "Valid until",
    "更新の要件を確認する": "See what renewal needs", "申込み中の研修会": "Sessions you applied for",
    "認定証データの取込み": "Import certificates",
    "システム導入前に交付された認定証を登録します。制度はコードで指定します（occupational, sports, lifelong, primary_care）。"
    "同じ認定証を二度取り込んでも増えません。":
        "Record certificates issued before the system. Give the system as a code (occupational, sports, lifelong, "
        "primary_care). Importing the same certificate twice adds nothing.",
    "所属する会員のうち、認定証を持つ医師の一覧です（取消された認定証は表示しません）。都道府県医師会は管内の郡市区医師会の会員を含みます。":
        "Members of this association who hold a certificate (revoked certificates are not shown). A prefecture's "
        "list includes the members of the associations below it.",
    "氏名・フリガナ・医籍登録番号": "Name, kana or registry number",
    "該当する認定医はいません。": "No certified physician matches.",
    "期限間近（6か月以内・更新未了）": "Ending within six months (not renewed)",
    "キャンセル待ちに登録しました。空きが出たら受講が確定し、メールでお知らせします。":
        "You are on the waiting list. If a place becomes free it is yours, and we will let you know by mail.",
    "キャンセル待ちに登録済みです。": "You are on the waiting list.",
    "空きが出たら受講が確定し、メールでお知らせします。": "If a place becomes free it is yours, and we will mail you.",
    "キャンセル待ちをやめる": "Leave the waiting list", "定員に達しました。": "The session is full.",
    "キャンセル待ちに登録する": "Join the waiting list",
    "審査する医師会": "Reviewed by",
    "かかりつけ医機能研修 実地研修の活動報告": "Primary-care training: report a practical activity",
    "実地研修の活動報告": "Report a practical-training activity",
    "かかりつけ医機能研修の実地研修として行った活動を1件ずつ報告します。":
        "Report each activity you did as practical training for the primary-care training scheme, one at a time.",
    "1活動につき": "Each activity counts", "単位。": "credits.",
    "3年間に2種類以上・10単位以上の活動が修了の要件です。報告の内容は申請の際に医師会が確認します。":
        "Completion needs at least two kinds of activity and 10 credits within three years. "
        "The associations check what you report when you apply.",
    "活動日": "Date of the activity", "報告する": "Report",
    "例: 訪問診療 3件、地域ケア会議（〇〇地域包括支援センター）":
        "e.g. three home visits; a community care meeting (at … community support centre)",
    "学校医・園医、警察業務への協力医": "School or nursery doctor, police medical cooperation",
    "健康スポーツ医活動": "Health-sports physician activities",
    "感染症定点観測への協力": "Sentinel infectious-disease surveillance",
    "健康相談・保健指導・行政と契約して行う検診・定期予防接種の実施":
        "Health counselling, guidance, check-ups or routine vaccinations under contract with the authorities",
    "早朝・休日・夜間・救急診療の実施・協力": "Early-morning, holiday, night or emergency care",
    "産業医・地域産業保健センター活動の実施": "Occupational physician or regional occupational health centre work",
    "訪問診療の実施": "Home visits", "家族等のレスパイトケアの実施": "Respite care for families",
    "主治医意見書の記載": "Attending physician's opinions for care-need certification",
    "介護認定審査会への参加": "Care-need certification board", "退院カンファレンスへの参加": "Discharge conferences",
    "地域ケア会議等への参加": "Community care meetings",
    "その他（都道府県医師会が認める活動）": "Other (recognised by the prefectural association)",
    "実地研修の単位数": "Practical-training credits",
    "生涯教育の単位を申告しました。": "Your lifelong-education credits were declared.",
})
# Labels kept with the data they name (membership.certifications, membership.fee_reductions,
# the inbox's views, the withdrawal page's benefits) and shown through `_()`.
EN.update({
    "認定産業医": "Certified occupational physician", "認定健康スポーツ医": "Certified health-sports physician",
    "生涯教育": "Lifelong education", "かかりつけ医機能研修": "Primary-care training",
    "単位数": "Credits", "カリキュラムコード数": "Curriculum codes",
    "申請者の会員情報と申請の履歴": "The applicant's member record and applications",
    "全国のすべての医師会の数です（件数のみ）。": "The numbers of every association in the country (counts only).",
    "このページの内容": "On this page",
    "受講者名簿（CSV）": "List of applicants (CSV)",
    "受講者名簿（CSV・Excel用 Shift_JIS）": "List of applicants (CSV, Shift_JIS for Excel)",
    "申込者はまだいません。": "Nobody has applied yet.",
    "都道府県別の未処理": "Open by prefecture", "API リファレンス": "API reference", "API の操作": "API operations",
    "MAMIS API v1 の OpenAPI 文書です。「Authorize」に POST /auth/token で得たトークンを入れると、ここから試せます。":
        "The OpenAPI document of the MAMIS API v1. Put a token from POST /auth/token into Authorize to try the "
        "calls from here.", "都道府県別の未処理（多い順に10件）": "Open by prefecture (top 10)",
    "再研修": "Refresher training", "講義・講演": "Lectures",
    "e-ラーニング": "e-learning", "日医雑誌問題解答": "JMA journal quiz", "その他": "Other",
    "基本研修": "Basic training", "応用研修": "Applied training", "日医e-ラーニング": "JMA e-learning",
    "自己申告": "Self-declared", "紙の単位シール": "Paper credit stickers", "移行データ": "Migrated data",
    "高齢": "Age", "卒後5年以内": "Within 5 years of graduation", "傷病・療養": "Illness or treatment",
    "出産・育児": "Childbirth or childcare",
    "未処理（すべて）": "Open (all)", "自分が担当": "Claimed by me", "担当者なし": "Unclaimed", "期限間近": "Due soon",
    "日本医師会医師賠償責任保険に加入できます。": "You can join the JMA physicians' liability insurance.",
    "日本医師会医師年金に加入できます。": "You can join the JMA physicians' pension.",
    "日本医師会医学図書館の利用ができます。": "You can use the JMA medical library.",
    "医師資格証の発行手数料無料・更新料が無料です。": "The physician qualification card is issued and renewed free of charge.",
    "日本医師会生涯教育制度やe-ラーニングなど、最新の医学・医療を学び続けることができます。":
        "You can keep up with medicine through the JMA lifelong-education programme, e-learning and more.",
    "日本医師会主催の認定産業医や認定健康スポーツ医の研修会受講料に割引が適用されます。":
        "You get reduced fees for JMA training sessions for certified occupational and health-sports physicians.",
    **{f"カリキュラムコード{n}": f"Curriculum code {n}" for n in range(1, 85)},
    # texts of the screens given to `_()` through a variable or an expression
    "異動の記録": "Transfer record", "異動の記録（会員資格は継続）": "Transfer record (membership continues)",
    "担当解除": "Released", "担当者変更": "Reassigned", "引き継ぎ": "Taken over", "異動": "Transfer",
    "異動により退会": "Left by transfer", "終了日（複数日の場合）": "End date (if more than one day)",
    "地区医師会（4層）": "District association (layer 4)", "郡市区等医師会（3層）": "City/county association (layer 3)",
    "年齢": "Age", "卒業後の年数": "Years since graduation",
    "申し込みました。": "You are registered.", "申込みを取り消しました。": "Your registration was cancelled.",
    "会員に代わって異動届を提出しました。": "The transfer was filed on the member's behalf.",
    "会員に代わって退会届を提出しました。": "The withdrawal was filed on the member's behalf.",
    "ログインしてください。": "Please log in.", "CSV（Excel用 Shift_JIS）": "CSV (Excel, Shift_JIS)",
    "例: 夏季休業": "e.g. Summer closure",
    "制度・区分・取得方法はコードで指定します（例: occupational, update, e_learning）。同じ行を二度取り込んでも単位は増えません。":
        "System, category and source are given as codes (e.g. occupational, update, e_learning). "
        "Importing the same row twice does not add credits twice.",
})
# The seeds' reference lists (membership.reference) shown on the forms and pages. Proper nouns
# (medical schools, societies) stay as they are.
EN.update({
    "診療所": "Clinic", "病院（除く 医育機関附属病院）": "Hospital (other than a university hospital)",
    "医育機関附属の病院": "University hospital", "介護老人保健施設": "Long-term care health facility",
    "開設者または法人（一人医師医療法人を含む）の代表者で管理者を兼ねる医師":
        "Owner or representative of the corporation (incl. a one-physician medical corporation) who is also the director",
    "開設者または法人（一人医師医療法人を含む）の代表者で管理者を兼ねない医師":
        "Owner or representative of the corporation (incl. a one-physician medical corporation), not the director",
    "勤務する者で管理者の医師": "Employed physician who is the director",
    "そのほか勤務する医師": "Other employed physician",
    "開設者または法人の代表者で管理者を兼ねる医師": "Owner or representative of the corporation who is also the director",
    "開設者または法人の代表者で管理者を兼ねない医師": "Owner or representative of the corporation, not the director",
    "法人の代表者で管理者を兼ねる医師": "Representative of the corporation who is also the director",
    "法人の代表者で管理者を兼ねない医師": "Representative of the corporation, not the director",
    "そのほか臨床系医師（医員、臨床研修医、臨床系の大学院生）":
        "Other clinical physician (staff physician, resident, clinical graduate student)",
    "保険医": "Insurance-registered physician", "精神保健指定医": "Designated mental-health physician",
    "難病指定医": "Designated physician for intractable diseases",
    "小児慢性特定疾病指定医": "Designated physician for chronic paediatric diseases",
    "身体障害者福祉法指定医": "Designated physician under the Act on Welfare of Physically Disabled Persons",
    "施設長": "Head of facility", "開設者": "Owner", "院長": "Director", "理事": "Board member",
    "大学教授": "Professor", "大学准教授": "Associate professor", "大学講師": "Lecturer", "大学助教": "Assistant professor",
    "大学医員": "University staff physician", "機関長": "Head of institution", "部長": "Head of department",
    "課（科）長": "Section chief", "医長": "Chief physician", "研究生": "Research fellow", "研修医": "Resident",
    "役職を選択してください": "Choose a position",
    "内科": "Internal medicine", "呼吸器内科": "Respiratory medicine", "循環器内科": "Cardiology",
    "消化器内科": "Gastroenterology", "腎臓内科": "Nephrology", "神経内科": "Neurology",
    "糖尿病内科": "Diabetology", "血液内科": "Haematology", "皮膚科": "Dermatology", "アレルギー科": "Allergology",
    "リウマチ科": "Rheumatology", "感染症内科": "Infectious diseases", "小児科": "Paediatrics", "精神科": "Psychiatry",
    "心療内科": "Psychosomatic medicine", "外科": "Surgery", "呼吸器外科": "Thoracic surgery",
    "心臓血管外科": "Cardiovascular surgery", "乳腺外科": "Breast surgery", "気管食道外科": "Bronchoesophagology",
    "消化器外科": "Gastrointestinal surgery", "泌尿器科": "Urology", "肛門外科": "Proctology",
    "脳神経外科": "Neurosurgery", "整形外科": "Orthopaedics", "形成外科": "Plastic surgery",
    "美容外科": "Cosmetic surgery", "眼科": "Ophthalmology", "耳鼻いんこう科": "Otorhinolaryngology",
    "小児外科": "Paediatric surgery", "産婦人科": "Obstetrics and gynaecology", "産科": "Obstetrics",
    "婦人科": "Gynaecology", "リハビリテーション科": "Rehabilitation medicine", "放射線科": "Radiology",
    "麻酔科": "Anaesthesiology", "病理診断科": "Diagnostic pathology", "臨床検査科": "Laboratory medicine",
    "救急科": "Emergency medicine", "臨床研修医": "Clinical resident", "全科": "All departments",
    "男性": "Male", "女性": "Female",
    "北海道": "Hokkaido", "青森県": "Aomori", "岩手県": "Iwate", "宮城県": "Miyagi", "秋田県": "Akita",
    "山形県": "Yamagata", "福島県": "Fukushima", "茨城県": "Ibaraki", "栃木県": "Tochigi", "群馬県": "Gunma",
    "埼玉県": "Saitama", "千葉県": "Chiba", "東京都": "Tokyo", "神奈川県": "Kanagawa", "新潟県": "Niigata",
    "富山県": "Toyama", "石川県": "Ishikawa", "福井県": "Fukui", "山梨県": "Yamanashi", "長野県": "Nagano",
    "岐阜県": "Gifu", "静岡県": "Shizuoka", "愛知県": "Aichi", "三重県": "Mie", "滋賀県": "Shiga", "京都府": "Kyoto",
    "大阪府": "Osaka", "兵庫県": "Hyogo", "奈良県": "Nara", "和歌山県": "Wakayama", "鳥取県": "Tottori",
    "島根県": "Shimane", "岡山県": "Okayama", "広島県": "Hiroshima", "山口県": "Yamaguchi", "徳島県": "Tokushima",
    "香川県": "Kagawa", "愛媛県": "Ehime", "高知県": "Kochi", "福岡県": "Fukuoka", "佐賀県": "Saga",
    "長崎県": "Nagasaki", "熊本県": "Kumamoto", "大分県": "Oita", "宮崎県": "Miyazaki", "鹿児島県": "Kagoshima",
    "沖縄県": "Okinawa",
})
# The audit trail (administrators).
EN.update({
    "操作履歴": "Audit trail", "この条件の操作履歴をCSVで出力": "Export these entries as CSV",
    "さらに古い操作": "Older entries", "最新へ": "Newest",
    "だれが・いつ・だれに代わって・何に対して操作したかの記録です。新しい順に表示します。":
        "Who did what, when, to which object and on whose behalf; newest first.",
    "システム": "System", "代理の対象": "On behalf of", "対象": "Object", "操作者": "Actor", "詳細": "Details",
    "操作者の氏名": "Actor's name", "代理の対象の氏名": "Name of the member acted for",
    "該当する操作はありません。": "No entries match.",
    "プロセスの実行": "Process instance", "プロセス定義": "Process definition", "ログインID・パスワード": "Login ID and password",
    "休業日": "Closed day", "会員データ": "Member data", "会員資格": "Membership", "利用者": "User", "医師": "Physician",
    "利用者のログインID": "User's login ID", "この会員の操作履歴": "This member's audit trail",
    "受付日": "Received on", "医師会ごとの状況": "At each association", "タスクを開く": "Open the task",
    "申請はありません。": "No applications.", "この一覧の件数が変わりました。": "The number of tasks in this list has changed.",
    "最新の一覧を表示": "Show the current list", "会員の状況": "Standing", "現会員": "Current members",
    "退会済み": "Former members", "入会申請中": "Applying to join", "未登録": "Not registered yet",
    "登録情報で入力する": "Enter it in your registered data", "表示件数": "Per page",
    "その利用者の操作、その利用者に代わって行われた操作、そのアカウントと医師情報への操作":
        "What the user did, what was done on their behalf, and what was done to their account and physician record",
    "医師会ごとの審査": "Association's review", "アカウント": "Account", "日次のお知らせメール": "Daily digest mail",
    "プロセス定義の下書き": "Process definition draft", "確認用のリンク": "Confirmation link",
})
# Labels of form fields that screens do not show as such (they still name the field in an error).
EN.update({
    "施設の検索": "Facility search", "所属施設の検索": "Facility search", "日本医師会に入会する": "Join JMA",
    "都道府県医師会に入会する": "Join the prefectural association",
    "単位の種類 1": "Kind of credit 1", "単位の種類 2": "Kind of credit 2", "単位の種類 3": "Kind of credit 3",
    "単位数 1": "Credits 1", "単位数 2": "Credits 2", "単位数 3": "Credits 3",
})
# The shipped decision table's requirement labels, withdrawal reasons, declaration kinds.
EN.update({
    "（未採番）": "(not numbered yet)", "審査中": "Under review",
    "この制度の認定申請は審査中です。": "An application for this certification is under review.", "廃業・退職": "Closed practice / retired", "死亡": "Death", "その他（自己学習）": "Other (self-study)",
})
# Account settings and the login ID reminder.
EN.update({
    "アカウント設定": "Account settings", "前回のログイン": "Last login", "未確認": "Not confirmed",
    "ログインID・パスワードを変更する": "Change login ID and password", "メールアドレスを変更する": "Change email address",
    "パスワードを変更すると、ほかの端末でのログインとAPIのトークンはすべて無効になります。":
        "Changing the password ends your sessions on other devices and every API token.",
    "ログインID・パスワードを変更しました。": "Your login ID and password have been changed.",
    "ログインIDをお忘れの方はこちら": "Forgot your login ID?", "ログインIDのお問い合わせ": "Forgot your login ID",
    "登録されているメールアドレスを入力して「メールを送信」をクリックしてください。ログインIDをお知らせします。":
        "Enter your registered email address and press Send; we will mail you your login ID.",
    "メールアドレスを登録していない場合は、所属医師会事務局にお問い合わせください。":
        "If you have not registered an email address, please contact your association's office.",
    "ご入力のメールアドレスが登録されている場合、そのアドレスにログインIDをお送りしました。":
        "If the address is registered, we have mailed your login ID to it.",
})
# Confirmations before cancelling or deleting; past applications.
EN.update({
    "郡市区を選んでください（JavaScriptが無効の場合は、選んだ後にもう一度「検索」を押してください）。":
        "Choose the city or county (without JavaScript, press Search again after choosing).",
    "満席（キャンセル待ち受付中）": "Full (waiting list open)", "キャンセル待ちをやめました。": "You left the waiting list.",
    "追加の書類（求められた書類など、PDF・画像・ZIP、各10MBまで）":
        "More documents (what was asked for; PDF, image or ZIP, up to 10 MB each)",
    "差戻しの内容を確認し、求められた書類があれば下で添付して再提出してください。":
        "Read why it was returned, attach any document asked for below, and resubmit.",
    "ご自身が申請者（または代理で申請した）の申請は、ほかの職員が承認してください。":
        "Applications you filed (or filed for a member) must be approved by a colleague.",
    "この医師会には、ほかに承認できる職員のアカウントがありません。システム管理者に職員アカウントの追加（事務局アカウント）を依頼してください。":
        "Nobody else at this association can approve it. Ask the system administrator to add a staff account.",
    "はすでに休業日でした。名称を変更しました": "was already a closed day; its name was changed",
    "担当しました。": "You have claimed the task.", "担当を外れました。": "You have released the task.",
    "担当者を変更しました。": "The task has been reassigned.", "引き継いで担当しました。": "You have taken the task over.",
    "下書きを破棄しますか？保存した変更はすべて失われます。": "Discard the draft? Every saved change is lost.",
    "主催者の事務局にも送る（メール）": "Also send to the organiser's office (mail)",
    "名は住所（所属施設・自宅）が登録されていないため、宛名が氏名だけになります。先に登録情報を補うか、手渡しなどでお届けください。":
        " have no address (facility or home): their notice shows the name only. Complete their data first, or hand it over.",
    "決定表の編集": "Edit decision table", "公開中の版からの変更": "Changes from the deployed version",
    "新しいプロセスの要素": "Elements of the new process", "要素の種類": "Element type", "変更": "Change",
    "追加": "Added", "動作に関わる変更はありません（図の配置のみ、または変更なし）。":
        "Nothing that changes behaviour (the layout only, or nothing at all).",
    "最初のページへ": "To the first page",
    "トップページへ戻る": "Back to the start page", "予定": "upcoming", "停止": "Stopped", "送付する": "Sent",
    "異動に伴う退会": "leave, with the transfer", "異動に伴う入会": "join, with the transfer", "過去の申請": "Past applications", "申請の一覧": "All applications",
    "作成中の申請を削除しますか？": "Delete this unfinished application?",
    "この申請を取り消しますか？取り消した申請は元に戻せません。":
        "Cancel this application? A cancelled application cannot be restored.",
    "申込みを取り消しますか？定員に達している場合、次の方に席が移ります。":
        "Cancel your place? If the session is full, it goes to the next person waiting.",
    "このお知らせを削除しますか？": "Delete this notice?", "この認定を取り消しますか？": "Revoke this certificate?",
})
EN.update({
    '保存する': 'Save', 'エラー': 'Error', '該当する施設': 'Facilities found',
    'アカウント設定に戻る': 'Back to account settings', 'お知らせ一覧': 'All notices', '一覧へ': 'All',
    'これまでに掲載されたお知らせです（掲載が終わったものを含め、新しい順に最大%(n)s件）。':
        'The notices published so far, ended ones included, newest first (at most %(n)s).',
    '確認': 'Confirmation', '最新版 v%(n)s から': 'from the latest version v%(n)s',
    '登録されたアドレスを変更するには、現在のパスワードを入力してください。':
        'To change your registered address, enter your current password.',
    'カレンダーから選択できます（例: 2027/04/01）': 'Pick it from the calendar (e.g. 2027/04/01)',
    'ファイルを下書きとして読み込みました。': 'The file was read in as the draft.',
    '問題があります（公開できません）。': 'It has problems (it cannot be deployed).',
    'ファイルから読み込む（.bpmn・.dmn）': 'Read in a file (.bpmn, .dmn)',
    'Camunda Modeler などで作ったファイルを下書きとして読み込みます。保存と同じ検証を行います。キーボードだけで編集する場合にも使えます（版をダウンロードして編集し、読み込む）。':
        'Reads a file made in Camunda Modeler or another tool in as the draft, checked as a save is. It also '
        'serves keyboard-only editing (download a version, edit it, read it in).',
    '下書きとして読み込む': 'Read in as the draft', '最新版をダウンロード': 'Download the latest version',
    '日本専門医機構認定専門医共通講習として申請する': 'File as a specialist common course (Japanese Medical Specialty Board)',
    '専門医共通講習は、開催日の3か月前までに申請してください（申請厳守）。':
        'A specialist common course must be filed at least 3 months before the session.',
    '専門医共通講習': 'Specialist common course', '書類の種類': 'Kind of document', '履歴書・経歴書': 'CV / career history',
    'その他': 'Other',
    'システム管理者からのお知らせ': 'Notices from the system administrators',
    '20年以上': '20 years or more', '1年未満': 'under a year', '%(n)s年': '%(n)s years',
    '＜1時間経過しても確認メールが届かない場合＞': 'If the mail has not come within an hour:',
    'ご登録のメールアドレスに誤りがある可能性があります。登録情報のメールアドレスをご確認ください。':
        'Your registered mail address may be wrong: please check it in your registered data.',
    'ドメイン指定受信で「%(domain)s」からのメールを受信できるように設定してください。':
        'If your mail filters accept chosen domains only, allow mail from "%(domain)s".',
    '変更は登録情報 > 送付物設定から行ってください。': 'Change it under Registered data > Dispatch settings.',
    '未定、もしくは上欄に登録のない施設名': 'Facility not decided, or not in the list above: its name',
    '「未定・一覧にない」を選んだ場合に、分かれば施設名を入力してください（50文字以内）。':
        'If you chose "not decided or not listed", write the facility\'s name if you know it (up to 50 characters).',
    '未定、もしくは一覧に登録のない施設名': 'Name of a facility not in the list',
    '自宅会員（勤務先がない）の場合は選択不要です。': 'Not needed for a home member (no workplace).',
    '退会申請が最寄りの医師会事務局に通知されます。': 'Your withdrawal is sent to the office of your nearest association.',
    # the shipped processes' tasks and waits, named in the process viewer's caption
    '医師会ごとの審査（会費減免）': 'Review by each association (fee reduction)',
    '医師会の審査': 'Association review', '異動日まで待つ': 'Waiting for the date of the move',
    '研修会の承認': 'Approval of the training session',
    '退会日の終わりまで待つ': 'Waiting for the end of the last day of membership',
    # the public pages (about/): the joint-use notice and the contact page
    'お問合せ': 'Contact',
    '個人データの共同利用について':
        'How personal data is shared',
    'この告知は日本語で掲げています。':
        'This notice is given in Japanese.',
    'MAMISの操作・ログインについて':
        'Using MAMIS and logging in',
    '窓口':
        'Desk',
    '受付時間':
        'Hours',
    '各医師会の連絡先':
        'Contacts of the associations',
    '入会・異動・退会届は、医師会によって申請時にご提出いただく書類が異なります。申請される前に、各医師会の事務局へお電話またはメールにてお問合せください。':
        'Each association asks for different documents with an enrolment, transfer or withdrawal. Please phone or mail its office before you apply.',
    '医師会を探す':
        'Find an association',
    '探す':
        'Search',
    '該当する医師会':
        'Associations found',
    '最初の%(n)s件を表示しています。条件を絞り込んでください。':
        'Showing the first %(n)s; narrow the search.',
    '各医師会の連絡先はこちら':
        'Contacts of each association',
})
# Field labels of the forms: one wording, kept in membership.messages; where a screen's text above
# says the same Japanese words in its own context (a column heading, a count), the screen's wins.
# (a CSV column's label names the file's heading in brackets — "Family name (姓)" — for the import's
# messages only; on a screen the words alone)
EN = {**{entry["ja"]: entry["en"].removesuffix(f" ({entry['ja']})") for entry in FIELD_LABELS.values()}, **EN}
# Certification requirement labels and certificate titles: kept with the domain, which mails them.
EN.update(TERMS_EN)
EN.update({
    "失敗した処理": "Failed steps", "利用者の操作": "A user's step",
    "この申請の処理が、プロセスの誤りのため次の日時に失敗しました（その操作は取り消され、何も変更されていません）。プロセスを直した版を公開し、最新版へ移行してください。":
        "Steps of this application failed at these times because of an error in the process (each was undone; "
        "nothing changed). Deploy a corrected version and migrate the instance to it.",
})
EN.update({
    "公開する前に確認してください": "Check before deploying",
    "試行で {n} 件の申請が最後まで進みませんでした（エラーまたは終わらない）。このまま公開すると、同じような申請の処理が失敗します。":
        "In the dry run {n} applications did not get to the end (an error, or no end). Deployed as it is, "
        "the process will fail on applications like them.",
    "この下書きは v{base} から作られましたが、その後に公開された版があります。公開すると、次の版の変更はこの下書きに含まれず、取り消されます:":
        "This draft was started from v{base}, and versions have been deployed since. Deploying it undoes "
        "their changes, which the draft does not have:",
    "内容を確認したうえで公開します": "I have checked this and want to deploy",
    "公開する前に、下の注意を確認してチェックを入れてください。": "Before deploying, read the warning below and tick the box.",
})
EN.update({
    "処理が進んでいません（裏で処理する仕組みが動いていない可能性があります）。処理済みのものはそのままで、動き出せば続きから処理されます。しばらく待っても進まない場合は、システム管理者に連絡してください。":
        "The run is not moving (the background processing may not be running). What was done stays done, and it "
        "goes on from where it stopped once that runs again. If it does not move for a while, please tell the "
        "system administrator.",
})
EN.update({"このファイルは読み込めません（下書きはそのままです）。": "This file cannot be read in (the draft is kept as it was)."})
EN.update({
    "自分の変更をファイルに保存する（再読み込みの後「ファイルから読み込む」で戻せます）":
        "Save my changes to a file (after reloading, bring them back with \"Read in a file\")",
    "例: applicant_user_id（利用者IDを返す安全な式）": "e.g. applicant_user_id (a safe expression giving a user's id)",
})
EN.update({"変更内容（公開中 → 下書き）": "What changed (deployed → draft)"})
EN.update({  # CSV imports written in the background (decision 0037)
    "「取り込む」と、検査のあと裏で登録が進み、結果のページに移ります。ページを閉じても止まりません。":
        "\"Import\" checks the file, then writes it in the background and shows the result's page. Closing the "
        "page does not stop it.",
    "最近の取込み": "Recent imports", "ファイル": "File", "行数": "Rows", "担当者": "By",
    "取り込めませんでした": "Not imported", "取込みの画面へ戻る": "Back to the import screen",
    "新たに登録した件数": "Newly registered", "登録済みの行は変更していません": "rows already registered left as they were",
    "一覧を表示": "Show the list",
    "取り込めませんでした。何も登録されていません。": "Could not import. Nothing has been registered.",
    "誤りを直したファイルで、もう一度取り込んでください。": "Please correct the file and import it again.",
    "処理が進んでいません（裏で処理する仕組みが動いていない可能性があります）。動き出せば最初から処理されます。しばらく待っても進まない場合は、システム管理者に連絡してください。":
        "The import is not moving (the background processing may not be running). It starts from the beginning "
        "once that runs again. If it does not move for a while, please tell the system administrator.",
    "登録は裏で進みます。このページを閉じても止まりません。すべて登録するか、何も登録しないかのどちらかです。":
        "The rows are written in the background; closing this page does not stop it. Either every row is "
        "registered or none is.",
})
EN.update({  # the dry run of a decision table's draft (engine.decision_check)
    "試行（判定表）": "Dry run (decision table)",
    "この下書きの判定表は評価できません": "This draft's decision table cannot be evaluated",
    "判定表の各セルに書かれた値（数値はその前後も）を組み合わせて、公開中の版と下書きで判定しました。データは何も変わりません。":
        "Every combination of the values the table's cells name (and, for a number, the values on both sides "
        "of it) was decided by the deployed version and by the draft. No data was changed.",
    "結果が変わる組合せ": "Combinations whose result changes", "評価できない組合せ": "Combinations that cannot be evaluated",
    "公開中の版": "Deployed version", "該当なし": "No rule matches", "評価できません": "Cannot be evaluated",
    "申請できる医師の数（単位のある医師、最近の順に各制度最大 200 人）":
        "Physicians who may apply (those with credits, most recent first, up to 200 per system)",
    "確認した医師": "Physicians checked", "公開中の版で申請できる": "May apply (deployed)",
    "下書きで申請できる": "May apply (draft)", "申請できるようになる": "Would become able to apply",
    "申請できなくなる": "Would no longer be able to apply",
    "試行で、判定表が評価できない組合せがありました。このまま公開すると、この判定表を使う処理が失敗します。":
        "In the dry run, the decision table could not evaluate some combinations. Deployed as it is, the work "
        "that uses this table will fail.",
})
EN.update({
    "この操作は完了していない可能性があります。途中まで保存されることはありません（すべて保存されるか、何も保存されないかのどちらかです）。結果を確かめてから、必要ならもう一度行ってください。続く場合は、事務局またはシステム管理者に連絡してください。":
        "This action may not have been completed. Nothing is ever saved halfway (either all of it is saved or "
        "none of it). Check the result and, if needed, do it again. If this keeps happening, please contact the "
        "secretariat or the system administrator.",
})
EN.update({  # an earlier version as the draft (rollback)
    "v{version} を下書きにしました。試行と公開で、公開中の版との違いを確かめてください。":
        "v{version} is now the draft. Check what differs from the deployed version under Dry run and deploy.",
    "いまの下書きを v{version} で置き換えますか？下書きの変更は失われます。":
        "Replace the current draft with v{version}? The draft's changes will be lost.",
    "この版を下書きにする": "Make this version the draft",
})
EN.update({
    "確認済み（未取込）": "Checked (not imported)",
    "すべての行に問題はありません。このファイル（{name}）をそのまま取り込めます。":
        "Every row is good. This file ({name}) can be imported as it is.",
    "この内容で取り込む": "Import this file",
})
EN.update({"確認だけで、まだ取り込んでいません。": "Only checked: nothing has been imported yet."})
EN.update({"しばらく操作がなかったため、ログアウトしました。もう一度ログインしてください。":
           "You were logged out after a while without activity. Please log in again."})
EN.update({
    "登録情報の変更一覧": "Changes to registered data", "変更日時": "Changed at", "変更者": "Changed by",
    "管理者": "Administrator", "変更日（から）": "Changed from", "変更日（まで）": "Changed until",
    "会員（入会申請中の方を含みます）が登録情報を変更した記録です。事務局・管理者が代わって変更したものも含みます。新しい順に表示します。":
        "Changes your members (and applicants) made to their registered data, and those an office or an "
        "administrator made for them, newest first.",
    "この条件の変更をCSVで出力": "Export these changes as CSV", "さらに古い変更": "Older changes",
    "この条件の変更はありません。": "No changes match.", "住所・連絡先": "Address and contact",
    "医籍・生年月日・性別": "Registry, birth date, sex", "診療科・学歴・所属学会": "Departments, education, societies",
})
EN.update({
    "審査の経過": "Review so far", "事務局が代理": "filed by the office",
    "再提出：差し戻した担当者に戻しました": "Resubmitted: back to the staff member who returned it",
})
EN.update({
    "一括承認の確認": "Confirm the bulk approval", "この条件に該当する未処理のタスク": "Open tasks matching this filter",
    "承認するタスク": "Tasks to approve", "他の職員が担当中のため承認しないタスク": "Not approved: held by a colleague",
    "ご自身が申請者（または代理で申請した）のため承認できないタスク":
        "Not approved: applications you filed (for yourself or for a member)",
    "承認は取り消せません。各タスクは一件ずつ処理され、処理できなかったものは結果の画面に理由とともに表示されます。":
        "Approvals cannot be undone. Each task is decided on its own; any that cannot be are listed with the reason "
        "on the result page.",
    "やめる": "Cancel", "承認できるタスクがありません。": "There is no task you can approve.",
})
EN.update({"承認する": "Approve"})
EN.update({"認定の単位要件": "Credit requirements for certification", "会費減免の対象": "Who qualifies for a fee reduction"})
EN.update({"休業日を登録する": "Add closed day", "コメントを登録する": "Add note"})
# the shipped processes' element names, for the process viewer's drawing in English
EN.update({
    "あり": "Yes", "なし": "No", "エスカレーション期限": "Escalation deadline", "上位の医師会へ通知": "Notify the layer above",
    "不承認（この医師会のみ）": "Not approved (this association only)", "入会完了": "Enrolment completed",
    "全医師会の承認": "Approved by every association", "審査中にする": "Mark as under review", "審査終了": "Review ended",
    "審査結果": "Outcome", "審査開始": "Review starts", "承認・会員資格の開始": "Approve and start the membership",
    "未審査の医師会は？": "Associations still to review?", "次の医師会へ": "Next association",
    "次の審査医師会を選ぶ": "Choose the next reviewing association",
    "異動の実施（退会・入会を一括）": "Carry out the transfer (leave and join at once)", "異動完了": "Transfer completed",
    "異動日の確定": "Fix the transfer date", "結果の確定": "Settle the outcome", "認定": "Certified",
    "認定証の発行": "Issue the certificate", "退会の実施（全医師会一括）": "Carry out the withdrawal (every association at once)",
    "退会完了": "Withdrawal completed", "退会日の確定": "Fix the withdrawal date", "通知済": "Notified",
})
EN.update({"待機中のタイマー・イベント": "Waiting for (timer or event)"})
# the audit trail's detail keys (membership.audit.DETAIL_LABELS)
EN.update({"キー": "Key", "コード": "Code", "通知先": "Told", "通知先の医師会": "Association told", "段階": "Stage",
           "メモ": "Note", "条件": "Filters", "新着": "New", "申請者へ送信": "Sent to the applicant",
           "日医会員番号": "JMA member ID"})
EN.update({"処理できなかったタスクは、もう承認できる状態にありません（すでに処理されたか、ほかの職員の判断を待っています）。":
           "The tasks that failed can no longer be approved here (they were decided meanwhile, or wait for a "
           "colleague's decision)."})
EN.update({
    "次のとおり変更します。よろしければ「更新する」をクリックしてください。":
        "These changes will be made. Click Update if they are right.",
    "氏名・生年月日・医籍登録番号の変更は、所属する医師会の事務局に届きます（登録情報の変更一覧）。証明書類の提出を求められることがあります。":
        "A change of name, date of birth or registry number reaches your associations' offices (their list of "
        "changes to registered data); they may ask for a document that shows it.",
})
EN.update({
    "申請する": "Apply", "要件と取得済みの単位": "Requirements and the credits you have", "認定制度": "Certification",
    "申請区分（新規・更新）": "New or renewal",
    "次の内容で申請します。添付する書類があれば選んで、「申請する」をクリックしてください。":
        "This is what you are applying for. Choose any documents to attach, then click Apply.",
    "各医師会の理事会の承認後に認定されます。審査中は申請を取り消すことができます。":
        "You are certified once each association's board has approved. You may cancel the application while "
        "it is under review.",
})
EN.update({
    "開始時刻": "Starting time", "終了時刻": "Ending time", "参加費（円）": "Fee (yen)", "申込締切": "Apply by",
    "問合せ先": "Contact", "参加費": "Fee", "記載なし": "Not stated", "無料": "Free", "円": " yen",
    "無料の場合は 0。空欄は「記載なし」と表示されます。": "0 if it is free. Left empty, it shows as not stated.",
    "空欄の場合は主催の医師会の連絡先を表示します。": "Left empty, the organising association's contact is shown.",
})
EN.update({"時間": "Hours"})
EN.update({"添付書類（プログラム・案内状など、3件まで・各10MBまで）":
           "Documents (the programme, the invitation…: up to 3, 10 MB each)"})
EN.update({"件以上": " or more"})
EN.update({"医師会を登録しました。": "The association was added."})
EN.update({"アカウントの利用を再開しました。": "The account may log in again.", "利用を再開する": "Restore the account",
           "停止前のログインID・パスワードで、再びログインできるようになります。":
               "The member logs in again with the login ID and password the account had."})
EN.update({"担当していたタスクを事務局に戻しました": "Tasks the account held, given back to its office",
           "担当者のアカウント停止により担当を解除しました": "Released: the holder's account was suspended"})
EN.update({"受講履歴": "Sessions attended", "受講証明書": "Certificate of attendance",
           "開催報告待ち": "Waiting for the organiser's report"})
EN.update({"仮パスワードでログインしました。新しいパスワードを設定してください（ログインIDはそのままです）。":
           "You logged in with a temporary password. Set a new password (your login ID stays as it is)."})
EN.update({"お知らせを更新しました。": "The notice was updated.", "お知らせの修正": "Edit the notice"})
EN.update({"メールが届かない場合は、迷惑メールフォルダをご確認いただくか、お問合せ窓口にご連絡ください。":
           "If no mail arrives, check your spam folder, or contact the support desk."})
EN.update({"この医師はどの医師会の会員でもありません（研修会の受講などで登録した非会員）。":
           "This physician belongs to no association (a non-member, registered to attend training sessions)."})
EN.update({"申請を修正して再提出しました。審査が再開されます。": "Your application was amended and filed again: its review resumes."})
EN.update({"退会する": "Leave", "入会する": "Join", "名の出席者": " attendees"})
EN.update({"この認定制度には、いま申請できません（単位の不足・審査中・更新済みのいずれか）。下の表で確認してください。":
           "You cannot apply for this certification now (credits short, an application under review, or renewed "
           "already). See the table below."})
EN.update({"開催報告を提出すると、出席者に単位が付与され、取り消せません。提出しますか？":
               "Filing the report gives the attendees their credits, which cannot be taken back. File it?",
           "このアカウントを利用停止にしますか？ログインできなくなります。":
               "Stop this account? It will no longer log in."})
EN.update({"{n}件を承認する": "Approve {n} tasks", "承認するタスクの一覧": "The tasks to approve"})
EN.update({"研修会名・会場・主催": "Title, place or organiser", "開催日（から）": "Held from", "開催日（まで）": "Held until",
           "自会の主催・共催のみ": "Only ours (organised or co-organised)",
           "これから開催される研修会です。過去の研修会は開催日で検索してください。":
               "Sessions still to come. To find past sessions, give the dates they were held."})
EN.update({"更新の対象の認定証は取り消されています": "The certificate this renewal is for has been revoked",
           "。この更新申請は承認できません。": ". This renewal cannot be approved."})
EN.update({"申請できません": "Cannot apply",
           "単位は要件を満たしていますが、医師会の会員でないため認定を申請できません（審査する医師会がありません）。入会後に申請してください。":
               "Your credits meet the requirements, but you are not a member of any association, so nobody can "
               "review an application. Please apply once you have joined one."})
EN.update({"追加入会は医師会を追加したい所属施設を選択してください":
               "To join more associations (additional enrolment), choose the facility to add them to",
           "追加できる医師会": "Associations you can add"})
EN.update({"単位の種類を追加する": "Add more kinds of credits", "%(n)s件まで": "up to %(n)s"})
EN.update({f"単位の種類 {n}": f"Kind of credit {n}" for n in range(4, 9)})
EN.update({f"単位数 {n}": f"Credits {n}" for n in range(4, 9)})
EN.update({"承認済みの医師会（{names}）の会員資格は続きます。退会するには退会届を提出してください。":
               "Your membership of the associations that approved it already ({names}) continues. To leave them, "
               "file a withdrawal.",
           "取り消しても、承認済みの医師会（{names}）の会員資格は続きます（退会するには退会届を提出してください）。取り消すのは、まだ審査していない医師会への入会です。":
               "Cancelling keeps your membership of the associations that approved it already ({names}); to leave "
               "them, file a withdrawal. What is cancelled is joining the associations that have not decided yet."})
EN.update({"審査中の申請あり（会員外）": "Application under review here (not a member)"})
# 開設主体 (a facility's owner), as the facility master labels them
EN.update({"国": "National government", "公的医療機関": "Public medical institution",
           "社会保険関係団体": "Social insurance body", "医療法人": "Medical corporation", "個人": "Individual",
           "社会福祉法人": "Social welfare corporation", "学校法人": "Educational corporation", "会社": "Company",
           "その他の法人": "Other corporation"})
EN.update({"JMA member for": "JMA member for"})
EN.update({"出席者の追加（報告の訂正）": "Add attendees (correcting the report)",
           "開催報告に漏れた出席者を追加できます。追加した出席者に単位と受講証明書が付与されます（報告済みの出席者は変わりません）。":
               "Add attendees the report left out. They get the credits and the attendance certificate; those "
               "reported already stay as they are.",
           "追加した出席者に単位が付与され、取り消せません。追加しますか？":
               "The attendees added get their credits, which cannot be taken back. Add them?",
           "出席者を追加する（単位を付与）": "Add the attendees (give them the credits)",
           "出席者を追加し、単位を付与しました。": "The attendees were added and given their credits."})
EN.update({"追加で入会する郡市区等医師会": "City/county association to join",
           "※ 所属している都道府県医師会の管内の医師会から1つ選んでください。":
               "Choose one association within your prefectural association.",
           "下層の医師会に入会する": "join an association below"})
EN.update({"パスワードを表示": "Show the password"})
EN.update({"すでに所属している医師会": "Already a member of"})
EN.update({  # incidents (nineteenth session)
    "すべてのプロセス": "All processes", "インシデント": "Incidents", "インシデントはありません。": "No incidents.",
    "エンジンのメッセージ": "The engine's message", "プロセス": "Process",
    "プロセスの誤りのために失敗した処理です（申請の開始・利用者の操作・タイマー）。失敗した操作は取り消され、何も変更されていません。プロセスを直した版を公開し、実行中の申請は最新版へ移行してください。":
        "Steps that failed because of an error in the process (a start, a user's step, a timer). Each failed step "
        "was undone; nothing changed. Deploy a version that fixes the process and migrate the running instances "
        "to it.",
    "以前の失敗のあと、この申請の処理は先へ進んでいます（解決済み）。":
        "Since the earlier failure this instance has moved on (resolved).",
    "未解決": "Unresolved", "未解決だけを表示": "Show unresolved only", "未解決のインシデント": "Unresolved incidents",
    "申請の開始": "Start of an application", "要素": "Element", "解決済み": "Resolved",
    "解決済みも表示（過去{days}日）": "Show resolved too (last {days} days)", "（開始時）": "(at the start)",
})
EN.update({
    "このプロセスで完了した申請がまだないため、試行で確かめられていません。":
        "No application has been completed with this process yet, so the dry run could not try it.",
    '式が、どの処理でも値の入らない名前を読んでいます（綴りの誤りや、期間の引用符忘れ "P5D" ではありませんか）。このまま公開すると、その式を評価する処理が失敗します:':
        'Expressions read names that nothing gives a value to (a misspelling, or a duration without its quotes, '
        '"P5D"?). Deployed as it is, whatever evaluates them fails:',
})
EN.update({"前の画面へ戻る": "Back to the previous page", "送信したデータが大きすぎます": "What you sent is too large"})
EN.update({"使う判定表（DMN）": "Decision table used (DMN)"})
EN.update({
    "ヒットポリシーが UNIQUE（一致する規則は1つだけ）なのに、2つ以上の規則が一致する組合せがあります。上の規則だけが使われ、下の規則は黙って無視されます:":
        "The hit policy is UNIQUE (one rule matches), yet two or more rules match these cases. Only the upper rule "
        "is used; the lower ones are silently ignored:",
    "判定表の規則が重なっています（上の「試行」を参照）。公開すると、重なる組合せでは上の規則だけが使われます。":
        "The table's rules overlap (see the dry run above). Deployed, only the upper rule is used where they do.",
    "規則": "rules",
})
EN.update({
    "あり（移行できます）": "present (they can move)", "なし（移行できません）": "gone (they cannot move)",
    "下書きでは": "In the draft", "実行中の申請": "Running applications", "待っているタスク": "Waiting at",
    "公開しても、実行中の申請は今の版のまま進みます。管理者はライブラリから最新版へ移行できます（今いるタスクが新しい版にもある場合）。":
        "Deploying leaves running applications on their version. An admin can move them to the latest version "
        "from the library (where the task they wait at is in it too).",
    "実行中の申請が待っているタスクが、この下書きにはありません。それらの申請は最新版へ移行できず、今の版のまま進みます:":
        "Running applications wait at tasks this draft no longer has. They cannot move to the new version and "
        "will finish on theirs:",
})
EN.update({"変更内容": "What changed", "比較する": "Compare", "比較元": "From", "比較先": "To",
           "版の比較": "Compare versions", "版を比較": "Compare versions"})
EN.update({"このときアップロードしたファイルは添付されていません。": "The files uploaded just then were not attached."})
EN.update({"失敗した要素": "Failed element"})
EN.update({"前の版との違い": "changes from the version before"})
EN.update({
    # a fee reduction's review: what the decision table makes of the applicant's registered data
    "登録情報による判定": "By the registered data", "年度の初日に{age}歳": "{age} on the first day of the fiscal year",
    "生年月日の登録なし": "no date of birth registered",
    "卒業 {month}（卒後{years}年）": "graduated {month} ({years} years since)",
    "卒業年月の登録なし": "no graduation registered", "判定表で該当する事由": "Reasons the decision table gives",
    "判定表で該当する事由はありません（高齢・卒後5年以内）":
        "The decision table gives no reason (elderly, within five years of graduation)",
    "次の列はあれば読み取ります（新しく登録する医師の登録情報になります。すでに登録されている医師の登録情報は変えません）":
        "These columns are read when the file has them (they become the registered data of a physician the "
        "import registers; a physician already registered keeps their own)",
    "パスワードは確認画面の前に入力したものを使います。変える場合だけ、もう一度入力してください。":
        "The password typed before the confirmation is kept. Type one again only to change it.",
    "PDF": "PDF, in Japanese",  # the member's documents are JMA's, in Japanese only
    # singulars (i18n.translate_count): "1 year", not "1 years"
    "{n}件を承認する|1": "Approve {n} task", "%(n)s年|1": "%(n)s year",
    "卒業 {month}（卒後{years}年）|1": "graduated {month} ({years} year since)",
    "判定表で判定できません（判定表の誤り）。事由は書類で確認してください。":
        "The decision table cannot decide (an error in it); check the reason on the documents.",
    "このファイルを削除しますか？": "Delete this file?",
    "このファイルはすでに削除されています。": "That file was deleted already.",
    "条件をクリア": "Clear the filter",
    "この医師は貴会の会員ではないため、代理で退会届を作成できません（入会の申請中であれば、その申請を審査してください）。":
        "This physician is not a member of your association, so you cannot file a withdrawal for them (if they "
        "are applying to join, review that application).",
    "しばらく操作がないため、まもなく自動でログアウトします（入力中の内容は送信されていません）。":
        "You have been inactive for a while and will soon be logged out (anything typed has not been sent).",
    "ログインを延長する": "Stay logged in",
    "操作がなかったため、ログアウトしました。入力中の内容を控えてから、もう一度ログインしてください。":
        "You were logged out after a period of inactivity. Copy anything you typed, then log in again.",
    "タスクへ戻る": "Back to the task",
    "審査（事務局が承認・却下・差戻し）": "Review (the office approves, rejects or returns)",
    "修正（申請者が直して再提出）": "Amendment (the applicant corrects and resubmits)",
    "： ": ": ",
    "自会への直接の申請": "Filed to this association directly",
    "—（自宅会員のため対象外）": "— (not for a home member)",
    "新しいプロセス・判定表を作る": "Create a process or decision table",
    "開始と終了だけのプロセス（または1行の判定表）が第1版として作られ、編集画面が開きます。新しいプロセスは、ほかのプロセスの呼び出しアクティビティから、判定表はビジネスルールタスクから使われます（申請の種類ごとのプロセスは置き換えられません）。":
        "A process of a start and an end (or a decision table of one rule) is made as version 1 and opened in the "
        "editor. A new process is used by another process's call activity, a table by a business rule task (the "
        "process of each kind of application is not replaced).",
    "キー（ID）": "Key (ID)",
    "英小文字で始まる英小文字・数字・_（例: board_review）。あとから変えられません。":
        "Lower-case letters, digits and _, beginning with a letter (board_review, say). It cannot be changed later.",
    "プロセス（BPMN）": "Process (BPMN)",
    "判定表（DMN）": "Decision table (DMN)",
    "作成して編集する": "Create and edit",
    "未使用（どのプロセスからも呼び出されていません）": "Unused (no process calls it)",
    "作成しました。図（または決定表）を編集して、下書き保存・試行・公開してください。":
        "Created. Edit the diagram (or table), then save the draft, try it and deploy it.",
    "名前": "Name",
    "種類": "Kind",
    "v{version} で実行中の{count}件を最新版（v{latest}）へ移行しますか？移行できないものは、理由とともに一覧に示されます。":
        "Move the {count} running on v{version} to the latest version (v{latest})? Any that cannot be moved are "
        "listed with the reason.",
    "承認したタスク": "Tasks approved",
    "件は、結果の出力ファイルに載っています。": "more are in the result's export files.",
    "ほか": "And",
    "図に描けない要素のため選べません。ファイルを直して読み込むか、版を下書きにし直してください。": "This element cannot be drawn, so it cannot be selected: correct the file and read it in, or make a version the draft again.",
    "郡市区を選べます": "Cities to choose from",
    "入会を希望する医師会を選べます": "The associations to join can be chosen",
    "異動先の医師会を選べます": "The associations to move to can be chosen",
    "bpmn.io（図の表示ライブラリ。新しいウィンドウで開きます）": "bpmn.io (the diagram library; opens in a new window)",
    "規則の番号": "Rule number",
})
