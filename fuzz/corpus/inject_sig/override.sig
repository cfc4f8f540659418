# Instruction override: telling the model to drop the instructions it was given.
# Format (docs/injection.md): ID CATEGORY TIER LANG PATTERN
# Token patterns match whole lower-case words; a|b alternatives, word* prefix, ~N = up to N
# words in between. "re:" patterns are regexes over the case-folded text.
override.ignore_previous     override block en ignore|disregard|forget|overlook|skip|bypass|neglect ~3 previous|prior|above|earlier|preceding|foregoing|former|original|initial|old|past ~3 instruction*|rule*|direction*|prompt*|guideline*|command*|directive*|message*|context|programming|restriction*|constraint*|order*|task*
override.ignore_all          override flag  en ignore|disregard|forget ~2 all|any|every|your|these|those|the ~2 instruction*|rule*|guideline*|restriction*|programming|directive*|constraint*|safety|policies|filters
override.ignore_everything   override block en ignore|disregard|forget ~2 everything|anything|all ~3 told|said|before|above|prior|previously|so
override.override_rules      override block en override|overwrite|replace|supersede ~3 your|all|the|previous|system|existing|current|original ~2 instruction*|rule*|prompt*|directive*|programming|guideline*|settings
override.dont_follow         override block en dont|not|stop|no ~2 follow*|obey*|obeying|adhere|abide ~3 your|the|any|previous|above|original|prior|those|these ~2 instruction*|rule*|guideline*|directive*|programming|policies|policy
override.new_instructions    override flag  en new|updated|real|actual|true ~1 instruction*|directive*|task|rules ~1 are|follow|is|below
override.from_now_on         override flag  en from now on ~2 you|youll|youre|your|act|respond|answer|reply|always|never
override.no_longer_bound     override block en no longer ~3 bound|restricted|limited|constrained|required|obligated ~2 by|to
override.forget_you_are      override flag  en forget ~3 you|youre ~1 are|an|a ~2 ai|assistant|chatbot|model
override.end_of_prompt       override flag  en end|ignore ~1 of ~1 the ~1 system|previous|original ~1 prompt|instructions
override.instead_do          override flag  en instead ~3 of ~3 following|doing|answering ~6 you|please ~4 print|say|output|write|respond
# French
override.fr.ignore           override block fr ignore*|oublie*|oubliez|négliger|ignorer ~4 instruction*|consigne*|directive*|règle*|ordre* ~3 précédent*|antérieur*|ci|dessus|initial*|donné*
override.fr.ignore_all       override flag  fr ignore*|oublie*|oubliez ~2 tout*|toute*|tous ~3 instruction*|consigne*|directive*|règle*|ce
# German
override.de.ignore           override block de ignorier*|vergiss|vergessen|missachte*|übergeh* ~4 vorherig*|bisherig*|obig*|vorangegangen*|vorhergehend*|früher*|alle|ursprünglich* ~3 anweisung*|instruktion*|regel*|befehl*|vorgab*|anordnung*
override.de.ignore_rev       override block de vorherig*|bisherig*|obig*|alle ~2 anweisung*|instruktion*|regeln|befehle ~3 ignorier*|vergess*|vergiss|missacht*
# Spanish
override.es.ignore           override block es ignora*|olvida*|olvídate|omite|omitir|descarta*|desestima* ~4 instrucciones|indicaciones|reglas|órdenes|directrices|instrucción ~3 anteriores|previas|precedentes|anterior|iniciales|originales|arriba
override.es.ignore_all       override flag  es ignora*|olvida*|olvídate ~2 todas|todo|cualquier ~3 instrucciones|indicaciones|reglas|lo
# Italian
override.it.ignore           override block it ignora*|dimentica*|trascura*|tralascia* ~4 istruzioni|istruzione|indicazioni|regole|direttive|ordini ~3 precedenti|precedente|sopra|iniziali|originali|fornite|date
# Portuguese
override.pt.ignore           override block pt ignore|ignora*|esqueça|esqueca|esquece|desconsidere|desconsidera* ~4 instruções|instrucoes|instrução|regras|orientações|diretrizes|ordens|indicações ~3 anteriores|prévias|previas|acima|iniciais|originais
# Russian
override.ru.ignore           override block ru игнорир*|проигнорир*|забудь*|забуд*|забыв*|пренебреги|отбрось* ~4 предыдущ*|прежн*|вышеуказан*|предшествующ*|все|всех|ранее|исходн* ~3 инструкци*|указани*|правил*|команд*|директив*|распоряжени*
override.ru.ignore_rev       override flag  ru инструкци*|указани*|правил* ~3 игнорир*|проигнорир*|забуд*|забыв*
# Chinese (written without spaces: words match inside longer runs)
override.zh.ignore           override block zh 忽略|无视|無視|忘记|忘記|忽视|忽視|不要理会|不理会|抛开|拋開|放弃|放棄 ~3 之前|以前|先前|上面|上述|前面|所有|以上|原来|原來|原先|此前 ~3 指令|指示|说明|說明|规则|規則|提示|命令|要求|设定|設定
override.zh.forget_all       override flag  zh 忽略|无视|無視|忘记|忘記|忽视|忽視 ~2 一切|所有|全部 ~2 指令|指示|规则|規則|限制
# Japanese
override.ja.ignore           override block ja 以前|前|上記|これまで|先ほど|先程|最初|元|全て|すべて ~3 指示|命令|ルール|指令|プロンプト|設定|制約 ~2 無視|忘れ|破棄
override.ja.ignore_short     override flag  ja 指示|命令|ルール|指令|制約 ~1 無視|忘れ
# Korean
override.ko.ignore           override block ko 이전|앞의|앞서|위의|모든|기존|원래|처음 ~3 지시*|지침*|명령*|규칙*|지시사항*|설정*|안내* ~3 무시*|잊어*|잊고*|잊으*
# Arabic
override.ar.ignore           override block ar تجاهل*|انس*|إنس*|اهمل*|أهمل*|تخط* ~4 التعليمات|تعليمات*|الأوامر|أوامر*|القواعد|الإرشادات|إرشادات*|التوجيهات ~3 السابقة|السابقه|أعلاه|الأولية|الأصلية|كل|جميع
# Hindi
override.hi.ignore           override block hi पिछले|पिछली|पहले|ऊपर|सभी|सारे|पूर्व|मूल ~4 निर्देश*|नियम*|आदेश*|निर्देशों ~4 अनदेखा|नजरअंदाज|नज़रअंदाज़|भूल*|इग्नोर|उपेक्षा
# Turkish
override.tr.ignore           override block tr önceki|yukarıdaki|tüm|bütün|ilk|orijinal|eski ~3 talimat*|komut*|kural*|yönerge*|direktif*|yönergeleri ~3 yok|görmezden|unut*|dikkate|boşver*|umursama*
# Vietnamese
override.vi.ignore           override block vi bỏ|phớt|quên ~2 qua|lờ|đi|hết|tất|mọi ~4 hướng|chỉ|quy dẫn|thị|tắc
override.vi.previous         override flag  vi hướng|chỉ ~1 dẫn|thị ~3 trước ~2 đó|đây ~4 bỏ|phớt|quên
# Indonesian
override.id.ignore           override block id abaikan|lupakan|acuhkan|hiraukan|tinggalkan ~4 instruksi|petunjuk|perintah|aturan|arahan|pedoman ~3 sebelumnya|sebelum|di|awal|asli
# Thai (no spaces)
override.th.ignore           override block th เพิกเฉย|ละเว้น|ไม่สนใจ|ลืม|ละทิ้ง|ข้าม ~3 คำสั่ง|คำแนะนำ|ข้อความ|กฎ|คำชี้แจง ~3 ก่อนหน้า|ก่อน|ทั้งหมด|ข้างต้น|เดิม
# Bengali (signatures only; the model does not cover the script)
override.bn.ignore           override block bn পূর্ববর্তী|আগের|পূর্বের|সমস্ত|সব ~3 নির্দেশ*|নিয়ম*|আদেশ* ~3 উপেক্ষা|ভুলে*|অগ্রাহ্য*
# Filipino / Tagalog
override.tl.ignore           override block tl huwag|balewalain|kalimutan|isantabi ~3 pansinin|ang|mo ~4 tagubilin|instruksyon*|utos|panuto|alituntunin ~3 nakaraan*|naunang|una|dati
# Mode and authority claims: the text says the rules changed or that its author outranks them.
override.mode_switch         override flag  en you|youre|assistant|ai|model|system ~3 now|are ~3 in|entering|enter|switched|switch ~2 admin|administrator|developer|debug|maintenance|root|god|sudo|unrestricted|test|diagnostic|system ~1 mode
override.authority_claim     override flag  en i|im ~1 am|a|the ~2 your ~1 developer|creator|admin|administrator|owner|programmer|maker|operator|supervisor
override.authorized          override flag  en authorized|authorised|authorization|clearance|permission ~4 override|bypass|ignore|reveal|disable|unlock|access ~3 instruction*|rules|restrictions|safety|password|secret|prompt|filters|guidelines
override.disable_safety      override block en disable|deactivate|turn|switch|remove|bypass|lift ~2 off|all|your|the|any ~2 safety|content|ethical|moral ~1 filter*|guardrail*|restriction*|protocol*|guideline*|check*|measures|settings
override.prompt_injection    override flag  en this|following ~2 is ~2 a|an ~2 new|updated|system|admin|priority|urgent ~2 instruction*|directive*|command|message|override
override.priority_higher     override flag  en takes|take|has|have ~1 priority|precedence ~2 over ~3 previous|prior|all|any|other|your|system ~2 instruction*|rules|prompt*|directive*
