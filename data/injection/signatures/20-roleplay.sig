# Role and persona jailbreaks: personas without rules, "developer mode", DAN and relatives.
roleplay.dan                 roleplay block en do anything now
roleplay.dan_persona         roleplay flag  en you|act|pretend|called|named|as|be ~3 dan|betterdan|evilbot|antigpt|ucar|apophis|khajiit|ngpt ~6 which|who|stands|can|will|doesnt|does|has
roleplay.developer_mode      roleplay block en developer|dev|god|admin|debug|jailbreak|unrestricted|sudo|maintenance ~1 mode ~3 enabled|enable|activated|activate|on|output|response*|policies|policy
roleplay.jailbroken          roleplay flag  en jailbreak|jailbroken|jailbreaking ~4 you|mode|prompt|ai|chatgpt|assistant|model
roleplay.no_restrictions     roleplay block en act|pretend|roleplay|behave|respond|answer|simulate|become|be ~8 no|without|free ~2 any|of|from ~2 restriction*|limit*|filter*|rules|censorship|guideline*|ethic*|moral*|boundaries|constraints|policies
roleplay.unfiltered_ai       roleplay block en unfiltered|uncensored|unrestricted|amoral|unhinged ~3 ai|chatbot|assistant|model|mode|persona|bot|llm|gpt|chatgpt
roleplay.no_ethics           roleplay flag  en doesnt|dont|not|never|no ~2 have|has|follow|care|need|bound ~3 any|about|by ~2 ethical|moral|ethics|morals|morality ~2 guideline*|principle*|restriction*|standards|boundaries|compass|rules|or
roleplay.free_from           roleplay block en freed|free|broken|break|escaped ~2 from|out|of|free ~3 typical|usual|normal|all ~1 confines|restrictions|rules|limitations|shackles|chains
roleplay.never_refuse        roleplay flag  en never|not|cant|cannot|wont ~2 refuse|decline|reject ~3 any|a|request*|question*|prompt*|answer*|anything
roleplay.policy_off          roleplay block en openai|anthropic|content|usage|safety ~2 policy|policies|guidelines|rules|filters ~4 dont|doesnt|not|no|never ~1 apply|applies|longer|matter|exist
roleplay.two_responses       roleplay flag  en two|2 ~2 different|separate|distinct ~2 responses|ways|answers|paragraphs
roleplay.opposite_mode       roleplay flag  en opposite|evil|chaos|antigpt ~1 mode|persona|personality
roleplay.hypothetical_ai     roleplay flag  en hypothetical|fictional|imaginary|fictitious ~3 ai|chatbot|assistant|model ~6 no|without|any ~2 restriction*|rules|limit*|filter*|ethic*
# other languages: personas without rules
roleplay.fr.no_rules         roleplay flag  fr sans ~2 aucune|aucun|restriction*|limite*|filtre*|règle* ~2 restriction*|limite*|filtre*|règle*|éthique|morale|censure
roleplay.de.no_rules         roleplay flag  de ohne ~2 jegliche|irgendwelche|alle ~1 einschränkung*|beschränkung*|regeln|filter|zensur|ethik|moral
roleplay.es.no_rules         roleplay flag  es sin ~2 ninguna|ningún|ningun|restricciones|límites|limites|filtros|reglas|censura ~1 restricción|restricciones|límites|limites|filtros|reglas|censura|ética|moral
roleplay.ru.no_rules         roleplay flag  ru без ~2 каких ~1 либо ~2 ограничени*|правил*|фильтр*|цензур*|этик*|морал*
roleplay.zh.no_rules         roleplay flag  zh 没有|沒有|不受|无|無|摆脱|擺脫 ~2 任何 ~2 限制|规则|規則|约束|約束|审查|審查|道德|过滤|過濾
roleplay.es.dev_mode         roleplay block es modo ~1 desarrollador
roleplay.fr.dev_mode         roleplay block fr mode ~1 développeur
roleplay.de.dev_mode         roleplay block de entwicklermodus
roleplay.it.dev_mode         roleplay block it modalità ~1 sviluppatore
roleplay.pt.dev_mode         roleplay block pt modo ~1 desenvolvedor
roleplay.ru.dev_mode         roleplay block ru режим* ~1 разработчика
roleplay.zh.dev_mode         roleplay block zh 开发者模式|開發者模式|开发人员模式
roleplay.ja.dev_mode         roleplay block ja 開発者モード
roleplay.ko.dev_mode         roleplay block ko 개발자 모드*
# "an AI without any rules/restrictions" in the languages the block above did not cover
roleplay.it.no_rules         roleplay flag  it senza ~2 alcuna|alcun|nessuna|nessun ~1 restrizion*|filtr*|regol*|censura|etica|morale
roleplay.pt.no_rules         roleplay flag  pt sem ~2 nenhuma|nenhum|qualquer ~1 restriç*|restric*|filtro*|regra*|censura|ética|moral
roleplay.ja.no_rules         roleplay flag  ja ルール|規則|制限|制約|検閲|フィルター ~1 のない|がない|なし|無し|を持たない
roleplay.ko.no_rules         roleplay flag  ko 규칙|제한|제약|검열|필터 ~1 없는|없이|없다
roleplay.ar.no_rules         roleplay flag  ar بلا|بدون|دون ~2 قيود|قواعد|حدود|رقابة|فلاتر|ضوابط
roleplay.hi.no_rules         roleplay flag  hi बिना ~2 किसी ~2 नियम*|प्रतिबंध*|सीमा*|रोक*|सेंसर*
roleplay.hi.no_rules2        roleplay flag  hi नियमों|प्रतिबंधों ~1 के ~1 बिना
roleplay.id.no_rules         roleplay flag  id tanpa ~2 aturan|batasan|pembatasan|filter|sensor|etika|moral
roleplay.th.no_rules         roleplay flag  th ไม่มีกฎ|ไม่มีข้อจำกัด|ไร้กฎ|ไร้ข้อจำกัด|ไม่มีการเซ็นเซอร์
roleplay.tr.no_rules         roleplay flag  tr kuralsız|sansürsüz|kısıtlamasız|filtresiz
roleplay.tr.no_rules2        roleplay flag  tr kuralı|kuralları|kısıtlaması|kısıtlamaları ~1 olmayan|yok
roleplay.vi.no_rules         roleplay flag  vi không ~2 có ~2 quy ~1 tắc
# developer mode in the languages the block above did not cover
roleplay.ar.dev_mode         roleplay block ar وضع ~1 المطور|المطورين
roleplay.hi.dev_mode         roleplay block hi डेवलपर ~1 मोड
roleplay.id.dev_mode         roleplay block id mode ~1 pengembang
roleplay.th.dev_mode         roleplay block th โหมดนักพัฒนา
roleplay.tr.dev_mode         roleplay block tr geliştirici ~1 modu*
roleplay.vi.dev_mode         roleplay block vi chế ~1 độ ~1 nhà ~1 phát ~1 triển
