# a file with a bad gap
x.y override block en ignore ~0 previous
