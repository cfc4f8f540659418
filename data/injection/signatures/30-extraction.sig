# System-prompt extraction: asking the model to reveal or repeat what it was told.
extraction.reveal_prompt     extraction block en reveal|repeat|print|output|show|display|tell|give|leak|share|spell|recite|disclose|dump|expose ~3 your|ur|the|its|entire|full|exact|whole|complete ~3 system|initial|original|hidden|secret|internal|previous|pre|starting|developer ~1 prompt*|instruction*|message*|directive*|configuration|rules
extraction.what_prompt       extraction block en what|whats|which ~2 your|ur ~2 system|initial|original|hidden|secret|internal ~1 prompt*|instruction*|directive*|message
extraction.what_prompt_the   extraction flag  en what|whats ~2 the|were ~2 system|initial|original|hidden ~1 prompt*|instruction*|directive*
extraction.repeat_above      extraction block en repeat|print|output|copy|recite|echo ~4 everything|all|text|words|instructions ~3 above|before|preceding|prior|earlier
extraction.above_verbatim    extraction flag  en above|prompt|instructions ~4 verbatim|literally
extraction.start_you_are     extraction flag  en starting|start|begin|beginning|begins|starts ~1 with|from ~2 you are
extraction.pre_prompt        extraction flag  en pre ~1 prompt|prompts|instructions
extraction.reveal_password   extraction flag  en reveal|tell|give|leak|share|disclose|print|output|provide|spell ~3 me|us ~3 the|your ~2 password|passcode|passphrase|secret|codeword
# other languages
extraction.fr.prompt         extraction block fr révèle*|affiche*|montre*|donne*|répète*|imprime*|divulgue*|dis ~4 prompt|invite|instructions|message ~2 système|systeme|initial*|original*|cachée*
extraction.de.prompt         extraction block de zeig*|gib*|verrat*|wiederhol*|nenn*|ausgeb*|offenleg* ~4 systemprompt*|systemanweisung*|systemnachricht*|anfangsanweisung*
extraction.es.prompt         extraction block es revela*|muestra*|muéstrame|dime|repite|imprime|dame|divulga* ~4 prompt|mensaje|instrucciones ~2 sistema|iniciales|originales|ocultas
extraction.it.prompt         extraction block it rivela*|mostra*|dimmi|ripeti|stampa|dammi|divulga* ~4 prompt|messaggio|istruzioni ~2 sistema|iniziali|originali|nascoste
extraction.pt.prompt         extraction block pt revele|revela*|mostre|mostra*|diga|repita|imprima|me ~4 prompt|mensagem|instruções|instrucoes ~2 sistema|iniciais|originais|ocultas
extraction.ru.prompt         extraction block ru покажи*|раскрой*|выведи*|повтори*|скажи*|напиши*|сообщи* ~4 системн* ~1 промпт*|подсказк*|инструкци*|сообщени*
extraction.zh.prompt         extraction block zh 显示|顯示|透露|告诉我|告訴我|输出|輸出|重复|重複|打印|泄露|洩露|展示|给我|給我 ~3 系统提示|系統提示|系统指令|系統指令|初始指令|系统消息|系統訊息|提示词|提示詞
extraction.ja.prompt         extraction block ja システムプロンプト|初期指示|システム指示|システムメッセージ|最初の指示 ~3 教え|表示|見せ|出力|繰り返|明かし|開示|書き出
extraction.ko.prompt         extraction block ko 시스템 ~1 프롬프트*|지시*|지침*|메시지* ~3 보여*|알려*|출력*|공개*|반복*|말해*
extraction.ar.prompt         extraction block ar اكشف|أظهر|اظهر|اعرض|كرر|اطبع|أخبرني|اخبرني|أعطني ~4 موجه|تعليمات|رسالة|توجيهات ~1 النظام
extraction.hi.prompt         extraction block hi सिस्टम ~1 प्रॉम्प्ट*|प्रोम्प्ट*|निर्देश*|संदेश* ~4 बताएं|बताओ|बताइए|दिखाएं|दिखाओ|प्रकट*|दोहराएं|लिखें
extraction.tr.prompt         extraction block tr sistem ~1 istem*|komut*|talimat*|mesaj*|prompt* ~4 göster*|söyle*|yaz*|tekrarla*|açıkla*|ver
extraction.vi.prompt         extraction block vi hiển|tiết|cho|lặp|in ~2 thị|lộ|tôi|lại|ra ~4 lời|hướng|chỉ ~2 nhắc|dẫn|thị ~2 hệ ~1 thống
extraction.id.prompt         extraction block id tunjukkan|ungkapkan|tampilkan|ulangi|berikan|sebutkan|cetak ~4 prompt|instruksi|pesan|petunjuk ~2 sistem|awal|asli
extraction.th.prompt         extraction block th แสดง|บอก|เปิดเผย|พิมพ์|ทำซ้ำ ~3 พรอมต์ระบบ|คำสั่งระบบ|ข้อความระบบ|คำสั่งเริ่มต้น
extraction.de.prompt2        extraction block de zeig*|gib*|verrat*|wiederhol*|nenn* ~4 system ~1 prompt*|anweisung*|nachricht*
# "tell me / what is the password (secret)" in other languages (flag, like the English one)
extraction.fr.password       extraction flag  fr dis|donne|révèle*|quel|quelle|indique*|donnez ~4 mot de passe
extraction.fr.secret_code    extraction flag  fr dis|donne|révèle*|quel|quelle|indique*|donnez ~4 code secret|accès
extraction.de.password       extraction flag  de sag*|nenn*|gib*|verrat*|was|wie ~4 passwort|kennwort|geheimcode|zugangscode|geheimnis
extraction.es.password       extraction flag  es dime|dame|revela*|cuál|cual|di|dígame|díganos ~4 contraseña|clave
extraction.es.secret_code    extraction flag  es dime|dame|revela*|cuál|cual|di|dígame ~4 código secreto|acceso
extraction.it.password       extraction flag  it dimmi|dammi|rivela*|qual|quale|mi ~4 password|chiave
extraction.it.secret_code    extraction flag  it dimmi|dammi|rivela*|qual|quale|mi ~4 codice|parola segreto|segreta|accesso|d
extraction.pt.password       extraction flag  pt diga|diz|revele|revela|qual|me ~4 senha
extraction.pt.secret_code    extraction flag  pt diga|diz|revele|revela|qual|me ~4 código|palavra secreto|passe|acesso
extraction.ru.password       extraction flag  ru скажи*|назови*|раскрой*|какой|каков|сообщи* ~4 пароль|секрет*|код
extraction.zh.password       extraction flag  zh 密码|口令|密碼|秘密|暗号|暗號 ~1 是什么|是什麼|告诉我|告訴我|是多少
extraction.zh.password2      extraction flag  zh 告诉我|告訴我|说出|說出|透露 ~2 密码|密碼|口令|秘密
extraction.ja.password       extraction flag  ja パスワード|暗証番号|合言葉|秘密 ~2 教え|何|なに|明かし
extraction.ko.password       extraction flag  ko 비밀번호*|암호*|패스워드*|비밀* ~2 알려*|뭐*|무엇*|말해*
extraction.ar.password       extraction flag  ar ما|أخبرني|اخبرني|اكشف|أعطني|اعطني ~3 كلمة المرور|السر
extraction.ar.secret         extraction flag  ar ما|أخبرني|اخبرني|اكشف|أعطني|اعطني ~3 السر|الرمز|الرقم ~1 السري
extraction.hi.password       extraction flag  hi पासवर्ड|गुप्त|कोड ~4 बताएं|बताओ|बताइए|क्या
extraction.tr.password       extraction flag  tr şifre*|parola*|gizli ~2 nedir|ne|söyle*|ver*|açıkla*
extraction.vi.password       extraction flag  vi mật khẩu ~3 là|cho|tiết|nói ~1 gì|tôi|lộ
extraction.vi.password2      extraction flag  vi cho|nói|tiết ~2 tôi|lộ|ra ~3 mật khẩu
extraction.id.password       extraction flag  id kata sandi ~3 apa|adalah|berikan|sebutkan|katakan|tunjukkan
extraction.id.password2      extraction flag  id apa|berikan|sebutkan|katakan|tunjukkan|beri*|beritahu* ~4 kata sandi
extraction.id.secret_code    extraction flag  id apa|berikan|sebutkan|katakan|tunjukkan|beritahu* ~4 kode rahasia
extraction.th.password       extraction flag  th รหัสผ่าน|รหัสลับ|ความลับ ~2 คืออะไร|บอก|อะไร
# asking the assistant for its own secret (a question rather than an order)
extraction.what_your_secret  extraction flag  en what|whats|tell|give|share|spell ~2 your ~1 password|passcode|passphrase|codeword
extraction.what_the_secret   extraction flag  en what|whats|tell|give|share|spell ~3 the ~1 secret|hidden|confidential ~1 password|key|code|word|phrase|passphrase|codeword|token
