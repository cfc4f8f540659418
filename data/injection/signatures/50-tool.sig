# Tool-call hijacking: content telling an agent to call tools or move data somewhere.
tool.call_send               tool flag  en call|invoke|execute|run|use|trigger ~3 tool|function|plugin|api|action ~6 send|email|delete|transfer|forward|post|upload|wire|pay
tool.forward_data            tool flag  en send|forward|email|upload|post|transmit|exfiltrate|leak ~4 conversation|chat|history|previous|all|users|credentials|api|password*|secrets|tokens|cookies|files ~4 to|into
tool.json_call               tool flag  * re:"?(function_call|tool_calls?|tool_use)"?[ \t]*:[ \t]*[\{\[]
tool.assistant_must          tool flag  en ai|assistant|agent|bot|model|llm ~3 must|should|shall|needs ~2 now|immediately|instead ~3 send|call|execute|delete|forward|email|transfer|ignore|run
tool.execute_command         tool flag  en execute|run ~2 the|this|following ~2 command|script|shell|code ~6 without|dont|do ~2 ask*|confirm*|tell|inform|notify
tool.rm_rf                   tool block *  re:rm\s+-rf\s+/(\s|$)|curl\s+[^\n|]{1,200}\|\s*(ba)?sh
tool.when_summarizing        tool flag  en when|while|if|after|before ~2 you|the ~2 summariz*|summaris*|read*|process*|answer*|respond* ~6 also|additionally|instead|first|secretly|silently ~4 send|include|add|insert|append|tell|say|print|output|write|mention|recommend
tool.hidden_note_ai          tool flag  en note|message|attention ~2 to|for ~2 the ~1 ai|assistant|llm|model|chatbot|agent|bot|gpt|chatgpt
tool.dont_tell_user          tool flag  en dont|not|never|without ~2 tell*|inform*|mention*|reveal*|alert*|notify*|show* ~2 the|this|to ~1 user|human|reader|them
