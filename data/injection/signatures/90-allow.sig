# Allowlist: a match here suppresses the signatures it covers. Add your own (tier "allow").
allow.never_reveal           defensive allow en never|dont|not|cannot|cant|wont|refuse*|avoid|shouldnt|mustnt ~4 reveal|repeat|share|disclose|print|output|tell|show|give|leak|provide|mention ~6 prompt*|instruction*|password|secret*|key|code|rules|message*|this|these|it
allow.dont_ignore            defensive allow en dont|not|never|cannot|shouldnt|mustnt ~2 ignore|disregard|forget|override ~6 instruction*|rule*|guideline*|prompt*|directive*
allow.if_asked               defensive allow en if|when|whenever ~3 user|anyone|someone|they|somebody|asked|asks ~8 ignore|reveal|repeat|system|instructions|prompt|override|disregard|forget
