# Allowlist: a match here suppresses the signatures it covers. Add your own (tier "allow").
allow.never_reveal           defensive allow en never|dont|not|cannot|cant|wont|refuse*|avoid|shouldnt|mustnt ~4 reveal|repeat|share|disclose|print|output|tell|show|give|leak|provide|mention ~6 prompt*|instruction*|password|secret*|key|code|rules|message*|this|these|it
allow.dont_ignore            defensive allow en dont|not|never|cannot|shouldnt|mustnt ~2 ignore|disregard|forget|override ~6 instruction*|rule*|guideline*|prompt*|directive*
allow.if_asked               defensive allow en if|when|whenever ~3 user|anyone|someone|they|somebody|asked|asks ~8 ignore|reveal|repeat|system|instructions|prompt|override|disregard|forget
# The same defensive phrasing in other languages: a negation near the secret or the prompt.
allow.fr.never_reveal        defensive allow fr ne|jamais|pas|aucun|aucune ~5 mot|code|secret|prompt|instructions|consignes|système
allow.de.never_reveal        defensive allow de nicht|niemals|keinesfalls|nie|kein|keine|keinen|keinem|niemandem ~6 passwort|kennwort|geheim*|code|prompt|anweisung*|systemprompt*
allow.de.never_reveal_rev    defensive allow de passwort|kennwort|geheim*|code|prompt|anweisung*|systemprompt* ~4 nicht|niemals|keinesfalls|nie|kein|keine|keinen|keinem|niemandem
allow.es.never_reveal        defensive allow es no|nunca|jamás|nadie|ningún|ninguna ~5 contraseña|clave|código|secreto|prompt|instrucciones|sistema
allow.it.never_reveal        defensive allow it non|mai|nessuno|nessuna ~5 password|chiave|codice|segreto|parola|prompt|istruzioni|sistema
allow.pt.never_reveal        defensive allow pt não|nao|nunca|jamais|ninguém|nenhum|nenhuma ~5 senha|código|segredo|palavra|prompt|instruções|sistema
allow.ru.never_reveal        defensive allow ru не|никогда|никому|ни ~5 пароль*|секрет*|код*|промпт*|инструкци*|систем*
allow.zh.never_reveal        defensive allow zh 不要|不能|别|別|切勿|禁止|不得|绝不|絕不|不可|不许|不許|决不|決不 ~3 告诉|告訴|透露|说出|說出|泄露|洩露|分享|提供|显示|顯示|输出|輸出|重复|重複
allow.ja.never_reveal        defensive allow ja 教えないで|教えては|教えず|明かさない|明かしては|言わないで|伝えないで|共有しないで|漏らさない|開示しない|表示しない|絶対に
allow.ko.never_reveal        defensive allow ko 알려주지*|말하지*|말해주지*|공개하지*|누설하지*|보여주지*|절대*|마세요|말고
allow.ar.never_reveal        defensive allow ar لا|أبدا|ابدا|أبداً|ممنوع|يمنع ~5 كلمة|السر|الرمز|المطالبة|التعليمات|النظام|تكشف|تفصح|تشارك
allow.hi.never_reveal        defensive allow hi न|नहीं|कभी|मत ~5 पासवर्ड|कोड|गुप्त|प्रॉम्प्ट*|निर्देश*|सिस्टम
allow.hi.never_reveal_rev    defensive allow hi पासवर्ड|कोड|गुप्त|प्रॉम्प्ट*|निर्देश* ~5 न|नहीं|कभी|मत
allow.tr.never_reveal        defensive allow tr şifre*|parola*|gizli|kod*|istem*|talimat* ~4 asla|verme*|söyleme*|paylaşma*|açıklama*|gösterme*|yazma*
allow.tr.never_reveal2       defensive allow tr asla|kimseye|hiçbir ~5 şifre*|parola*|gizli|kod*|istem*|talimat*
allow.vi.never_reveal        defensive allow vi không|đừng|chớ|cấm ~5 mật|mã|bí|lời|hướng|chỉ
allow.id.never_reveal        defensive allow id jangan|tidak|tak|pernah|dilarang ~5 kata|kode|sandi|rahasia|prompt|instruksi|sistem
allow.th.never_reveal        defensive allow th ห้าม|อย่า|ไม่ ~3 บอก|เปิดเผย|แชร์|แสดง|พิมพ์
