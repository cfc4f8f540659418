# A vigil-llm style baseline for `portcullis injection eval --signatures bench/vigil-baseline.sig
# --no-model`: the same shape of rules as vigil's YARA files (instruction bypass phrase with an
# optional "previous" adjective, system-instruction strings, markdown exfiltration with q=),
# written in this format. Matching is over case-folded text, so it is slightly more generous
# than vigil's case-sensitive YARA regex.
vigil.instruction_bypass  override   flag * re:(ignore|disregard|skip|forget|neglect|overlook|omit|bypass|pay no attention to|do not follow|do not obey)\s*(prior|previous|preceding|above|foregoing|earlier|initial)?\s*(content|text|instructions|instruction|directives|directive|commands|command|context|conversation|input|inputs|data|message|messages|communication|response|responses|request|requests)
vigil.system_instruction  delimiter  flag * re:system instruction: |\[system\]|<s>\[inst\] <<sys>>|<</sys>>|<\|im_start\|>(assistant|system)|\{\{#system~\}\}|\{\{/system~\}\}
vigil.md_exfil            exfiltration flag * re:!\[\w+\]\(https?://[\w.-]+/\w+\?q=\)
