# Exfiltration through rendered markdown: images or links whose URL carries data.
exfiltration.md_image_tpl    exfiltration block * re:!\[[^\]\n]*\]\(\s*https?://[^)\s]*(\{|\[|%7b|\$|<)
exfiltration.md_image_query  exfiltration flag  * re:!\[[^\]\n]*\]\(\s*https?://[^)\s?]+\?[^)\s]*=
exfiltration.render_url      exfiltration flag  en render|display|include|output|show|embed|print ~4 markdown|image|img|pixel ~8 url|link|https|http|query|parameter
exfiltration.append_to_url   exfiltration flag  en append|add|include|insert|encode|concatenate ~6 conversation|chat|history|data|password|secret|information|summary|answer|response|input ~4 to|into|in ~3 url|link|query|parameter|image
