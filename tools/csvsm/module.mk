# The csvsm host tool: dump, run (and later call, measure).
csvsm-y += tools/csvsm/main.o
