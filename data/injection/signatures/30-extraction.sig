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
