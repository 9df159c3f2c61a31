"""Quick log: one typed line ("left calf spasm 7 this morning, heat helped") read into
diary entries. The parser is in `parser`, its words in `lexicon`, times in `time`, one line
of a multi-line log in `line` and the result types in `result`."""
