# Chat-template and fake-role delimiters: text pretending to be a new system or assistant turn.
delimiter.chatml             delimiter block * re:<\|(im_start|im_end|im_sep|endoftext|eot_id|start_header_id|end_header_id|eom_id|begin_of_text|system|assistant|end)\|>
delimiter.llama_inst         delimiter flag  * re:\[/?inst\]|<</?sys>>
delimiter.markdown_role      delimiter flag  * re:(^|\n)[ \t]*#{2,}[ \t]*(system|admin|developer)[ \t]*(prompt|message|override|instructions?)?[ \t]*:?[ \t]*(\n|$)
delimiter.role_line          delimiter flag  * re:(^|\n)[ \t]*(\[(system|admin|developer)\]|(system|admin|developer|root)[ \t]+(override|message|instruction|instructions|note))[ \t]*:[ \t]*\S
delimiter.xml_role           delimiter flag  * re:</?(system|system_prompt|instructions|admin|developer_message)>
delimiter.end_of_input       delimiter flag  * re:(end of|ignore the) (user input|document|context|email|text)[^\n]{0,40}(new|system|instruction)
delimiter.fake_turn          delimiter flag  * re:(^|\n)[ \t]*(assistant|ai|chatgpt)[ \t]*:[ \t]*(sure|okay|of course|certainly)[^\n]{0,80}\n+[ \t]*(user|human)[ \t]*:
delimiter.message_terminated delimiter block en user|input ~1 message ~1 terminat*|ended|end ~4 system|admin ~1 instruction*|message|mode|prompt
