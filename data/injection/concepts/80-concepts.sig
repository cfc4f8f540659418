# Concepts: feature-tier signatures feed the model only (no verdict, no allowlisting). The
# CATEGORY is the concept; every language's words for it give the model the same feature, and
# the model also sees every pair of concepts that occur in the same text, in any order. Words
# are listed per language from the languages' ordinary vocabulary (docs/injection.md#model).
# These 18 concepts are the ones an injection is made of; broader ones (story, format, harm,
# send, execute, you, user, ...) were tried and blurred the English ranking (benchmarks.md).
# Words that are also common English words are left out of the other languages' lines.
# ID                     CONCEPT      TIER    LANG PATTERN
concept.en.ignore        ignore       feature en   ignore*|disregard*|forget|forgetting|neglect|dismiss|abandon|discard
concept.en.bypass        bypass       feature en   bypass*|circumvent*|override*|overrid*|evade|evading|jailbreak*|unlock*
concept.en.previous      previous     feature en   previous*|prior|above|earlier|preceding|former|original|initial
concept.en.instruction   instruction  feature en   instruction*|rule|rules|guideline*|directive*|policy|policies|orders|commands
concept.en.system        system       feature en   system|developer*|admin*|administrator*|root|operator|sudo|superuser
concept.en.prompt        prompt       feature en   prompt|prompts|preprompt|context|configuration
concept.en.password      password     feature en   password*|passcode*|passphrase*|passwort|pwd|pin
concept.en.secret        secret       feature en   secret*|hidden|confidential|private|classified|sensitive
concept.en.key           key          feature en   key|keys|code|codes|token|tokens|credential*|codeword
concept.en.reveal        reveal       feature en   reveal*|disclose*|leak*|expose*|divulge*|tell|share|give|provide|show|hand
concept.en.repeat        repeat       feature en   repeat*|print*|output*|recite*|echo*|display*|dump|copy|verbatim
concept.en.pretend       pretend      feature en   pretend*|imagine*|suppose|hypothetical*|assume|roleplay*|role|act|acting|persona|character|simulat*
concept.en.limits        limits       feature en   restriction*|restrict*|limit|limits|limitation*|filter*|censor*|constraint*|boundaries|ethic*|moral*|safeguard*
concept.en.free          free         feature en   unrestricted|unfiltered|uncensored|unlimited|unbound*|unchained|free|freed|liberated|anything
concept.en.mode          mode         feature en   mode|modes|enabled|activated|switch*
concept.en.encode        encode       feature en   base64|encod*|encrypt*|cipher|binary|hex|hexadecimal|reverse*|backwards|morse|rot13|ascii|unicode
concept.en.access        access       feature en   access|granted|grant|authoriz*|authoris*|permission*|login|log|authenticat*|clearance
concept.en.negation      negation     feature en   not|dont|never|no|cannot|cant|wont|refuse*|forbidden|prohibited|mustnt|shouldnt
# French
concept.fr.ignore        ignore       feature fr   ignore*|ignorez|oublie*|néglige*|abandonne*
concept.fr.bypass        bypass       feature fr   contourne*|outrepasse*|débloque*|désactive*
concept.fr.previous      previous     feature fr   précédent*|antérieur*|dessus|initial*|original*|auparavant
concept.fr.instruction   instruction  feature fr   consigne*|règle*|directive*|ordre*
concept.fr.system        system       feature fr   système|systeme|développeur*|administrateur*
concept.fr.prompt        prompt       feature fr   invite|contexte
concept.fr.password      password     feature fr   mot de passe
concept.fr.password2     password     feature fr   mdp|passe
concept.fr.secret        secret       feature fr   caché*|cachee*|confidentiel*|privé*
concept.fr.key           key          feature fr   clé|clef|jeton*
concept.fr.reveal        reveal       feature fr   révèle*|révéler|divulgue*|dites|donne*|montre*|partage*|fournis*|indique*
concept.fr.repeat        repeat       feature fr   répète*|répéter|imprime*|affiche*|écris|écrivez|recopie*|textuellement
concept.fr.pretend       pretend      feature fr   imagine*|suppose*|fais|faites|semblant|hypothétique*|joue*|rôle|personnage
concept.fr.limits        limits       feature fr   restriction*|limite*|filtre*|censure*|contrainte*|éthique*|morale*
concept.fr.free          free         feature fr   libre*|illimité*|débridé*|libéré*|importe
concept.fr.mode          mode         feature fr   activé*|basculer
concept.fr.encode        encode       feature fr   base64|encode*|encod*|chiffre*|binaire|hexadécimal|inverse*|envers
concept.fr.access        access       feature fr   accès|acces|accordé|autoris*|connexion
concept.fr.negation      negation     feature fr   jamais|aucun*|interdit*|refuse*
# German
concept.de.ignore        ignore       feature de   ignorier*|vergiss|vergessen|missacht*|verwirf
concept.de.bypass        bypass       feature de   umgeh*|überschreib*|deaktivier*|aufheb*|freischalt*
concept.de.previous      previous     feature de   vorherig*|vorige*|bisherig*|obig*|oben|früher*|ursprünglich*|anfänglich*
concept.de.instruction   instruction  feature de   anweisung*|anleitung*|regel*|richtlinie*|vorgabe*|befehl*|vorschrift*
concept.de.system        system       feature de   system|systems|systemprompt*|entwickler*|administrator*|admin
concept.de.prompt        prompt       feature de   prompt*|kontext|konfiguration
concept.de.password      password     feature de   passwort*|kennwort*|zugangscode*|geheimcode*
concept.de.secret        secret       feature de   geheim*|versteckt*|vertraulich*|privat*
concept.de.key           key          feature de   schlüssel*|code|codes|token*
concept.de.reveal        reveal       feature de   verrat*|enthüll*|offenbar*|sage|sagen|geben|zeig*|teil*|nenn*
concept.de.repeat        repeat       feature de   wiederhol*|druck*|ausgeb*|schreib*|wörtlich
concept.de.pretend       pretend      feature de   vorstellen|angenommen|hypothetisch*|spiel*|rolle|figur|simulier*
concept.de.limits        limits       feature de   einschränkung*|beschränkung*|grenze*|filter*|zensur*|ethik|moral*
concept.de.free          free         feature de   uneingeschränkt*|ungefiltert*|unzensiert*|unbegrenzt*|frei|befreit
concept.de.mode          mode         feature de   modus|aktiviert|umschalten
concept.de.encode        encode       feature de   base64|kodier*|codier*|verschlüssel*|binär*|hexadezimal|rückwärts|umgekehrt*
concept.de.access        access       feature de   zugang|zugriff|gewährt|autorisier*|berechtig*|erlaubnis|anmeld*
concept.de.negation      negation     feature de   nicht|nie|niemals|kein*|verboten|verweiger*
# Spanish
concept.es.ignore        ignore       feature es   ignora*|olvida*|descarta*|omite|omitir
concept.es.bypass        bypass       feature es   elude|eludir|evita*|anula*|desactiva*|desbloquea*
concept.es.previous      previous     feature es   anterior*|previa*|previo*|arriba|inicial*|original*
concept.es.instruction   instruction  feature es   instrucci*|regla*|directriz*|directrices|norma*|orden*|comando*|pauta*
concept.es.system        system       feature es   sistema|desarrollador*|administrador*
concept.es.prompt        prompt       feature es   indicación|contexto|configuración
concept.es.password      password     feature es   contraseña*|clave
concept.es.secret        secret       feature es   secret*|oculto*|oculta*|confidencial*|privad*
concept.es.key           key          feature es   clave|llave|código|códigos|token*
concept.es.reveal        reveal       feature es   revela*|divulga*|dímelo|dame|muestra*|comparte|proporciona*|filtra*
concept.es.repeat        repeat       feature es   repite|repetir|imprime|escribe|muestra|copia|textualmente
concept.es.pretend       pretend      feature es   imagina*|supón|supongamos|finge|fingir|hipotétic*|juega|rol|personaje|simula*
concept.es.limits        limits       feature es   restricci*|límite*|limitaci*|filtro*|censura*|ética*|moral*
concept.es.free          free         feature es   libre*|ilimitad*|liberad*|cualquier
concept.es.mode          mode         feature es   activado|cambia*
concept.es.encode        encode       feature es   base64|codifica*|cifra*|binario|hexadecimal|invers*|revés
concept.es.access        access       feature es   acceso|concedido|autoriza*|permiso*|inicio
concept.es.negation      negation     feature es   nunca|jamás|ningún|ninguna|prohibido*|niega*
# Italian
concept.it.ignore        ignore       feature it   ignora*|dimentica*|trascura*|scarta*
concept.it.bypass        bypass       feature it   aggira*|elude*|sblocca*|disattiva*|scavalca*
concept.it.previous      previous     feature it   precedent*|sopra|iniziali|originali
concept.it.instruction   instruction  feature it   istruzion*|regol*|direttiv*|linee|ordini|comand*
concept.it.system        system       feature it   sistema|sviluppatore*|amministratore*|admin
concept.it.prompt        prompt       feature it   prompt|contesto|configurazione
concept.it.password      password     feature it   password|passe
concept.it.secret        secret       feature it   segret*|nascost*|riservat*|confidenzial*|privat*
concept.it.key           key          feature it   chiave|codice|codici|token
concept.it.reveal        reveal       feature it   rivela*|divulga*|dimmi|dammi|mostra*|condividi|fornisci
concept.it.repeat        repeat       feature it   ripeti|ripetere|stampa|scrivi|copia|testualmente
concept.it.pretend       pretend      feature it   immagina*|supponi|fingi|fingere|ipotetic*|gioca|ruolo|personaggio|simula*
concept.it.limits        limits       feature it   restrizion*|limit*|filtr*|censura*|etica|morale
concept.it.free          free         feature it   liber*|illimitat*|senza|qualsiasi
concept.it.mode          mode         feature it   modalità|attivat*
concept.it.encode        encode       feature it   base64|codifica*|cifra*|binario|esadecimale|invers*|rovescio
concept.it.access        access       feature it   accesso|concesso|autorizza*|permesso*
concept.it.negation      negation     feature it   nessun*|vietato|rifiuta*
# Portuguese
concept.pt.ignore        ignore       feature pt   ignore|ignora*|esqueça|esquece*|desconsidere|descarte
concept.pt.bypass        bypass       feature pt   contorne|contorna*|burla*|desative|desativa*|desbloqueie
concept.pt.previous      previous     feature pt   anterior*|acima|iniciais|inicial|originais|original|prévia*
concept.pt.instruction   instruction  feature pt   instruç*|instruc*|regra*|diretriz*|diretrizes|ordens|comando*|norma*
concept.pt.system        system       feature pt   sistema|desenvolvedor*|administrador*|admin
concept.pt.prompt        prompt       feature pt   prompt|contexto|configuração
concept.pt.password      password     feature pt   senha*
concept.pt.secret        secret       feature pt   segredo*|secret*|oculto*|oculta*|confidencia*|privad*
concept.pt.key           key          feature pt   chave|código|códigos|token*
concept.pt.reveal        reveal       feature pt   revele|revela*|divulgue|diga|mostre|mostra*|compartilhe|forneça
concept.pt.repeat        repeat       feature pt   repita|repetir|imprima|escreva|copie|textualmente
concept.pt.pretend       pretend      feature pt   imagine|imagina*|suponha|finja|fingir|hipotétic*|jogue|papel|personagem|simule
concept.pt.limits        limits       feature pt   restriç*|limite*|limitaç*|filtro*|censura*|ética*|moral*
concept.pt.free          free         feature pt   livre*|ilimitad*|liberad*|qualquer
concept.pt.mode          mode         feature pt   modo|ativado|mude
concept.pt.encode        encode       feature pt   base64|codifique|codifica*|cifra*|binário|hexadecimal|invers*|trás
concept.pt.access        access       feature pt   acesso|concedido|autoriza*|permissão
concept.pt.negation      negation     feature pt   não|nao|nunca|jamais|nenhum*|proibid*|recuse
# Russian
concept.ru.ignore        ignore       feature ru   игнорир*|забудь*|забыть|пренебр*|отбрось*
concept.ru.bypass        bypass       feature ru   обойди*|обход*|отключи*|сними|разблокир*|взлом*
concept.ru.previous      previous     feature ru   предыдущ*|прежн*|выше|ранее|исходн*|первоначальн*
concept.ru.instruction   instruction  feature ru   инструкци*|правил*|указани*|директив*|команд*|приказ*
concept.ru.system        system       feature ru   систем*|разработчик*|администратор*|админ*
concept.ru.prompt        prompt       feature ru   промпт*|подсказк*|контекст*|настройк*
concept.ru.password      password     feature ru   пароль*|пароля|паролем|пароле
concept.ru.secret        secret       feature ru   секрет*|скрыт*|тайн*|конфиденциальн*|приватн*
concept.ru.key           key          feature ru   ключ*|код|кода|коды|токен*
concept.ru.reveal        reveal       feature ru   раскрой*|раскрыть|скажи*|сообщи*|дай|дайте|покажи*|поделись*|выдай*|назови*
concept.ru.repeat        repeat       feature ru   повтори*|выведи*|напечатай*|напиши*|скопируй*|дословно
concept.ru.pretend       pretend      feature ru   представь*|предположим|притворись*|гипотетическ*|сыграй*|роль|роли|персонаж*|симулир*
concept.ru.limits        limits       feature ru   ограничени*|лимит*|фильтр*|цензур*|этик*|морал*
concept.ru.free          free         feature ru   свободн*|неограниченн*|без|любой|любые
concept.ru.mode          mode         feature ru   режим*|включен*|переключ*
concept.ru.encode        encode       feature ru   закодир*|кодир*|шифр*|двоичн*|шестнадцатеричн*|обратн*|задом
concept.ru.access        access       feature ru   доступ*|разреш*|авториз*|вход
concept.ru.negation      negation     feature ru   не|нельзя|никогда|никому|запрещ*|откаж*
# Chinese (simplified and traditional; words match inside runs)
concept.zh.ignore        ignore       feature zh   忽略|忽视|忽視|无视|無視|忘记|忘記|不理会|不理會|抛开|拋開
concept.zh.bypass        bypass       feature zh   绕过|繞過|规避|規避|越狱|越獄|破解|解除|覆盖|覆蓋
concept.zh.previous      previous     feature zh   之前|以前|先前|上述|上面|前面|原始|最初|初始
concept.zh.instruction   instruction  feature zh   指令|指示|说明|說明|规则|規則|准则|準則|命令|要求|规定|規定
concept.zh.system        system       feature zh   系统|系統|开发者|開發者|管理员|管理員
concept.zh.prompt        prompt       feature zh   提示|提示词|提示詞|上下文|配置
concept.zh.password      password     feature zh   密码|密碼|口令|暗号|暗號
concept.zh.secret        secret       feature zh   秘密|机密|機密|隐藏|隱藏|保密|私密
concept.zh.key           key          feature zh   密钥|密鑰|钥匙|鑰匙|代码|代碼|令牌
concept.zh.reveal        reveal       feature zh   透露|泄露|洩露|告诉|告訴|说出|說出|给我|給我|显示|顯示|分享|提供|公开|公開
concept.zh.repeat        repeat       feature zh   重复|重複|打印|输出|輸出|写出|寫出|复制|複製|逐字
concept.zh.pretend       pretend      feature zh   假装|假裝|假设|假設|想象|想像|扮演|角色|模拟|模擬
concept.zh.limits        limits       feature zh   限制|约束|約束|过滤|過濾|审查|審查|道德|伦理|倫理
concept.zh.free          free         feature zh   不受限|无限制|無限制|自由|任何
concept.zh.mode          mode         feature zh   模式|启用|啟用|切换|切換
concept.zh.encode        encode       feature zh   编码|編碼|加密|二进制|二進制|十六进制|十六進制|倒序|反转|反轉
concept.zh.access        access       feature zh   访问|訪問|权限|權限|授权|授權|登录|登錄|许可|許可
concept.zh.negation      negation     feature zh   不要|不能|不得|禁止|绝不|絕不|切勿|拒绝|拒絕
# Japanese (words match inside runs)
concept.ja.ignore        ignore       feature ja   無視|忘れ|無効に|破棄
concept.ja.bypass        bypass       feature ja   回避|迂回|解除|突破|脱獄|上書き
concept.ja.previous      previous     feature ja   以前|前の|上記|先の|元の|最初の|初期
concept.ja.instruction   instruction  feature ja   指示|命令|ルール|規則|指針|ガイドライン|設定
concept.ja.system        system       feature ja   システム|開発者|管理者
concept.ja.prompt        prompt       feature ja   プロンプト|コンテキスト
concept.ja.password      password     feature ja   パスワード|暗証番号|合言葉
concept.ja.secret        secret       feature ja   秘密|機密|隠さ|隠し|内緒|非公開
concept.ja.key           key          feature ja   キー|鍵|コード|トークン
concept.ja.reveal        reveal       feature ja   教え|明かし|明かす|漏ら|開示|見せ|共有|伝え|言って
concept.ja.repeat        repeat       feature ja   繰り返|出力|表示|書き出|印刷|コピー|そのまま
concept.ja.pretend       pretend      feature ja   ふり|振り|想像|仮定|仮に|演じ|役割|ロールプレイ|キャラクター|シミュレー
concept.ja.limits        limits       feature ja   制限|制約|フィルター|検閲|倫理|道徳
concept.ja.free          free         feature ja   無制限|自由|何でも|なんでも
concept.ja.mode          mode         feature ja   モード|有効|切り替え
concept.ja.encode        encode       feature ja   エンコード|暗号|符号化|二進|16進|逆順|逆さ
concept.ja.access        access       feature ja   アクセス|許可|認証|ログイン|権限
concept.ja.negation      negation     feature ja   ない|ないで|しないで|禁止|決して|拒否
# Korean (words take particles: prefixes)
concept.ko.ignore        ignore       feature ko   무시*|잊어*|잊고|잊으*|버려*
concept.ko.bypass        bypass       feature ko   우회*|해제*|탈옥*|무력화*|덮어*
concept.ko.previous      previous     feature ko   이전*|앞의|위의|위에|기존*|원래*|초기*|처음*
concept.ko.instruction   instruction  feature ko   지시*|지침*|명령*|규칙*|규정*|가이드라인*
concept.ko.system        system       feature ko   시스템*|개발자*|관리자*
concept.ko.prompt        prompt       feature ko   프롬프트*|컨텍스트*|설정*
concept.ko.password      password     feature ko   비밀번호*|암호*|패스워드*
concept.ko.secret        secret       feature ko   비밀*|기밀*|숨겨진|숨긴|내부*
concept.ko.key           key          feature ko   키*|열쇠*|코드*|토큰*
concept.ko.reveal        reveal       feature ko   알려*|공개*|누설*|밝혀*|말해*|보여*|공유*|제공*|주세요
concept.ko.repeat        repeat       feature ko   반복*|출력*|인쇄*|적어*|써*|그대로
concept.ko.pretend       pretend      feature ko   척*|상상*|가정*|가상*|연기*|역할*|캐릭터*|시뮬레이*|롤플레이*
concept.ko.limits        limits       feature ko   제한*|제약*|필터*|검열*|윤리*|도덕*
concept.ko.free          free         feature ko   무제한*|자유*|무엇이든|아무*
concept.ko.mode          mode         feature ko   모드*|활성화*|전환*
concept.ko.encode        encode       feature ko   인코딩*|암호화*|이진*|16진*|거꾸로|역순*
concept.ko.access        access       feature ko   접근*|액세스*|허가*|인증*|로그인*|권한*
concept.ko.negation      negation     feature ko   않*|안|말고|마세요|절대*|금지*|거부*
# Arabic (words with and without the article)
concept.ar.ignore        ignore       feature ar   تجاهل*|انس|انسى|أهمل|اهمل|تخط*
concept.ar.bypass        bypass       feature ar   تجاوز*|تحايل*|عطل|عطّل|ألغ*|الغ*|اكسر
concept.ar.previous      previous     feature ar   السابقة|السابق|سابقة|السابقين|أعلاه|الأصلية|الأولية|الأولى|قبل
concept.ar.instruction   instruction  feature ar   تعليمات|التعليمات|إرشادات|الإرشادات|قواعد|القواعد|أوامر|الأوامر|توجيهات|التوجيهات|قيود|القيود
concept.ar.system        system       feature ar   النظام|نظام|المطور|مطور|المسؤول|مسؤول
concept.ar.prompt        prompt       feature ar   موجه|الموجه|المطالبة|مطالبة|السياق
concept.ar.password      password     feature ar   كلمة المرور
concept.ar.password2     password     feature ar   كلمة السر
concept.ar.secret        secret       feature ar   السر|سر|سري|السري|السرية|سرية|مخفي|المخفية|خاص|الخاصة
concept.ar.key           key          feature ar   مفتاح|المفتاح|الرمز|رمز|الكود|كود
concept.ar.reveal        reveal       feature ar   اكشف|أكشف|كشف|أخبرني|اخبرني|قل|قولي|أعطني|اعطني|أظهر|اظهر|شارك|أفصح|افصح
concept.ar.repeat        repeat       feature ar   كرر|كرّر|اطبع|اكتب|انسخ|حرفيا|حرفياً
concept.ar.pretend       pretend      feature ar   تظاهر|تخيل|تخيّل|افترض|لنفترض|افتراضي*|دور|الدور|شخصية|الشخصية|محاكاة
concept.ar.limits        limits       feature ar   قيود|القيود|حدود|الحدود|فلتر*|رقابة|الرقابة|أخلاق*|اخلاق*
concept.ar.free          free         feature ar   حر|حرة|مطلق|بلا|دون|أي
concept.ar.mode          mode         feature ar   وضع|الوضع|مفعل|تفعيل
concept.ar.encode        encode       feature ar   تشفير|شفر|ثنائي|الثنائي|سداسي|معكوس|بالعكس
concept.ar.access        access       feature ar   الوصول|وصول|دخول|الدخول|مصرح|تصريح|إذن|صلاحية
concept.ar.negation      negation     feature ar   لا|لن|أبدا|أبداً|ابدا|ممنوع|يمنع|ترفض
# Hindi
concept.hi.ignore        ignore       feature hi   अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल|भूलें|भूलो|छोड़ें|छोड़ो
concept.hi.bypass        bypass       feature hi   बायपास|दरकिनार|टाल|हटाएं|हटाओ|तोड़ें|अनलॉक
concept.hi.previous      previous     feature hi   पिछले|पिछली|पिछला|पहले|ऊपर|मूल|प्रारंभिक|शुरुआती
concept.hi.instruction   instruction  feature hi   निर्देश*|नियम*|आदेश*|दिशानिर्देश*|हिदायत*|कमांड
concept.hi.system        system       feature hi   सिस्टम|प्रणाली|डेवलपर|व्यवस्थापक|एडमिन
concept.hi.prompt        prompt       feature hi   प्रॉम्प्ट*|प्रोम्प्ट*|संदर्भ
concept.hi.password      password     feature hi   पासवर्ड|कूटशब्द
concept.hi.secret        secret       feature hi   गुप्त|रहस्य|छिपा|छिपी|छुपा|गोपनीय|निजी
concept.hi.key           key          feature hi   कुंजी|चाबी|कोड|टोकन
concept.hi.reveal        reveal       feature hi   बताएं|बताओ|बताइए|बता|प्रकट|खुलासा|दिखाएं|दिखाओ|दें|दो|साझा
concept.hi.repeat        repeat       feature hi   दोहराएं|दोहराओ|दोहराइए|प्रिंट|लिखें|लिखो|आउटपुट|शब्दशः
concept.hi.pretend       pretend      feature hi   नाटक|कल्पना|मान|मानो|काल्पनिक|भूमिका|किरदार|पात्र|अभिनय
concept.hi.limits        limits       feature hi   प्रतिबंध*|सीमा*|सीमाओं|फ़िल्टर|फिल्टर|सेंसर|नैतिक*|नैतिकता
concept.hi.free          free         feature hi   मुक्त|असीमित|स्वतंत्र|बिना|कुछ
concept.hi.mode          mode         feature hi   मोड|सक्रिय
concept.hi.encode        encode       feature hi   एन्कोड|कूट|एन्क्रिप्ट|बाइनरी|उल्टा|उलटा
concept.hi.access        access       feature hi   पहुंच|पहुँच|एक्सेस|अनुमति|अधिकृत|लॉगिन
concept.hi.negation      negation     feature hi   नहीं|न|मत|कभी|निषिद्ध|मना
# Turkish (suffixes: prefixes)
concept.tr.ignore        ignore       feature tr   yoksay*|görmezden|unut*|boşver*|dikkate
concept.tr.bypass        bypass       feature tr   atla*|aş*|devre|kaldır*|kır*|kilidini
concept.tr.previous      previous     feature tr   önceki*|yukarıdaki*|önceden|orijinal*|başlangıç*
concept.tr.instruction   instruction  feature tr   talimat*|kural*|yönerge*|komut*|emir*|direktif*
concept.tr.system        system       feature tr   sistem*|geliştirici*|yönetici*|admin*
concept.tr.prompt        prompt       feature tr   istem*|prompt*|bağlam*|yapılandırma*
concept.tr.password      password     feature tr   şifre*|parola*
concept.tr.secret        secret       feature tr   gizli*|sır*|saklı*|gizem*|özel
concept.tr.key           key          feature tr   anahtar*|kod*|token*
concept.tr.reveal        reveal       feature tr   açıkla*|söyle*|verin|göster*|paylaş*|ifşa*|sızdır*
concept.tr.repeat        repeat       feature tr   tekrarla*|yazdır*|yaz|yazın|çıktı*|kopyala*|aynen|kelimesi
concept.tr.pretend       pretend      feature tr   farz*|hayal*|varsay*|taklit*|rol*|karakter*|canlandır*|simüle*
concept.tr.limits        limits       feature tr   kısıtlama*|sınır*|filtre*|sansür*|etik*|ahlak*
concept.tr.free          free         feature tr   sınırsız*|özgür*|serbest*|filtresiz*|herhangi
concept.tr.mode          mode         feature tr   modu|modunda|moduna|etkin*
concept.tr.encode        encode       feature tr   base64|kodla*|şifrele*|ikili*|onaltılık*|ters*
concept.tr.access        access       feature tr   erişim*|izin*|yetki*|giriş*|oturum*
concept.tr.negation      negation     feature tr   asla|değil|hiçbir|yasak*|reddet*|hayır
# Vietnamese (syllables: words of two syllables are sequences)
concept.vi.ignore        ignore       feature vi   bỏ qua
concept.vi.ignore2       ignore       feature vi   phớt lờ
concept.vi.ignore3       ignore       feature vi   quên|lờ
concept.vi.bypass        bypass       feature vi   vượt qua
concept.vi.bypass2       bypass       feature vi   bẻ khóa
concept.vi.previous      previous     feature vi   trước|trên|ban|gốc
concept.vi.instruction   instruction  feature vi   hướng dẫn
concept.vi.instruction2  instruction  feature vi   chỉ thị
concept.vi.instruction3  instruction  feature vi   quy tắc
concept.vi.instruction4  instruction  feature vi   mệnh lệnh
concept.vi.system        system       feature vi   hệ thống
concept.vi.system2       system       feature vi   nhà phát triển
concept.vi.system3       system       feature vi   quản trị
concept.vi.prompt        prompt       feature vi   lời nhắc
concept.vi.prompt2       prompt       feature vi   ngữ
concept.vi.password      password     feature vi   mật khẩu
concept.vi.secret        secret       feature vi   bí mật
concept.vi.secret2       secret       feature vi   ẩn|riêng|kín
concept.vi.key           key          feature vi   khóa|khoá|mã
concept.vi.reveal        reveal       feature vi   tiết lộ
concept.vi.reveal2       reveal       feature vi   nói|kể|hiển|chia|cung|đưa
concept.vi.repeat        repeat       feature vi   lặp lại
concept.vi.repeat2       repeat       feature vi   viết|xuất|chép|nguyên
concept.vi.pretend       pretend      feature vi   giả vờ
concept.vi.pretend2      pretend      feature vi   tưởng tượng
concept.vi.pretend3      pretend      feature vi   giả sử
concept.vi.pretend4      pretend      feature vi   vai|nhân|đóng
concept.vi.limits        limits       feature vi   hạn chế
concept.vi.limits2       limits       feature vi   giới hạn
concept.vi.limits3       limits       feature vi   kiểm duyệt
concept.vi.limits4       limits       feature vi   đạo đức
concept.vi.free          free         feature vi   tự do
concept.vi.free2         free         feature vi   không giới hạn
concept.vi.mode          mode         feature vi   chế độ
concept.vi.encode        encode       feature vi   base64|mã hóa
concept.vi.encode2       encode       feature vi   nhị phân
concept.vi.encode3       encode       feature vi   đảo ngược
concept.vi.access        access       feature vi   truy cập
concept.vi.access2       access       feature vi   quyền|cấp|phép|đăng
concept.vi.negation      negation     feature vi   không|đừng|chớ|cấm
# Indonesian
concept.id.ignore        ignore       feature id   abaikan|lupakan|acuhkan|hiraukan
concept.id.bypass        bypass       feature id   lewati|hindari|nonaktifkan|bobol
concept.id.previous      previous     feature id   sebelumnya|atas|awal|asli|semula
concept.id.instruction   instruction  feature id   instruksi|petunjuk|aturan|pedoman|perintah|arahan
concept.id.system        system       feature id   pengembang
concept.id.prompt        prompt       feature id   konteks|konfigurasi
concept.id.password2     password     feature id   sandi
concept.id.secret        secret       feature id   rahasia|tersembunyi|pribadi|privat|rahasiakan
concept.id.key           key          feature id   kunci|kode
concept.id.reveal        reveal       feature id   ungkapkan|beritahu*|katakan|berikan|tunjukkan|bagikan|sebutkan|bocorkan
concept.id.repeat        repeat       feature id   ulangi|cetak|tulis*|keluarkan|salin|persis
concept.id.pretend       pretend      feature id   berpura|pura|bayangkan|misalkan|andaikan|hipotetis|peran|simulasikan
concept.id.limits        limits       feature id   batasan|pembatasan|batas|etika
concept.id.free          free         feature id   bebas|terbatas
concept.id.mode          mode         feature id   aktif|aktifkan|beralih
concept.id.encode        encode       feature id   base64|enkode|kodekan|enkripsi|biner|heksadesimal|terbalik|balik
concept.id.access        access       feature id   akses|diberikan|izin|otorisasi|masuk
concept.id.negation      negation     feature id   jangan|tidak|pernah|dilarang|tolak
# Thai (words match inside runs)
concept.th.ignore        ignore       feature th   เพิกเฉย|ละเว้น|ไม่ต้องสนใจ|ลืม|ข้าม
concept.th.bypass        bypass       feature th   หลีกเลี่ยง|ข้ามผ่าน|ปิดการใช้งาน|ปลดล็อก|เจาะ
concept.th.previous      previous     feature th   ก่อนหน้า|ข้างต้น|ด้านบน|เดิม|ดั้งเดิม|เริ่มต้น
concept.th.instruction   instruction  feature th   คำสั่ง|คำแนะนำ|กฎ|ข้อบังคับ|แนวทาง
concept.th.system        system       feature th   ระบบ|นักพัฒนา|ผู้ดูแล
concept.th.prompt        prompt       feature th   พรอมต์|พรอมท์|บริบท
concept.th.password      password     feature th   รหัสผ่าน
concept.th.secret        secret       feature th   ความลับ|ลับ|ซ่อน|ส่วนตัว
concept.th.key           key          feature th   กุญแจ|คีย์|รหัส|โค้ด|โทเค็น
concept.th.reveal        reveal       feature th   เปิดเผย|บอก|แสดง|แชร์|ให้|เผย
concept.th.repeat        repeat       feature th   ทำซ้ำ|พูดซ้ำ|พิมพ์|เขียน|คัดลอก|ตามตัวอักษร
concept.th.pretend       pretend      feature th   แกล้ง|สมมติ|จินตนาการ|บทบาท|ตัวละคร|แสดงเป็น|จำลอง
concept.th.limits        limits       feature th   ข้อจำกัด|จำกัด|ตัวกรอง|เซ็นเซอร์|จริยธรรม|ศีลธรรม
concept.th.free          free         feature th   ไม่จำกัด|อิสระ|เสรี|อะไรก็ได้
concept.th.mode          mode         feature th   โหมด|เปิดใช้
concept.th.encode        encode       feature th   เข้ารหัส|ไบนารี|ฐานสิบหก|ย้อนกลับ
concept.th.access        access       feature th   เข้าถึง|อนุญาต|สิทธิ์|เข้าสู่ระบบ
concept.th.negation      negation     feature th   ห้าม|อย่า|ไม่|ปฏิเสธ
