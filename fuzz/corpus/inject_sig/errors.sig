x override block en a||b
y override wat en a
z override block en re:
