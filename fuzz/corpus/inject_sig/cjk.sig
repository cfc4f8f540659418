a.b override block zh 忽略 ~3 指令
c.d tool flag en x|y* ~9 z
# comment

