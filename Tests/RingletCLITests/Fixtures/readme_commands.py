"""Every `ringlet …` command line in README.md's sh blocks, as argument lists (JSON), for ReadmeCommandsTests.

Continuation lines are joined, leading VAR=value assignments dropped, and each line cut at the first
shell operator (pipe, redirection, &&, ;) or comment, so what remains is exactly what ringlet is given.
"""
import json
import shlex
import sys

OPERATORS = {"|", "||", "&", "&&", ";", ">", ">>", "<", "<<", "(", ")"}


def commands(text):
    found = []
    in_block = False
    pending = ""
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = line.strip() == "```sh"
            pending = ""
            continue
        if not in_block:
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        line, pending = pending + line, ""
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            words = list(lexer)
        except ValueError:
            continue
        cut = next((i for i, w in enumerate(words) if w in OPERATORS or w.startswith(">") or w.startswith("<")), len(words))
        words = words[:cut]
        while words and "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]
        if words and words[0] == "ringlet":
            # `[--json]` shows an optional flag; it is checked as the flag.
            found.append([w[1:-1] if w.startswith("[-") and w.endswith("]") else w for w in words[1:]])
    return found


print(json.dumps(commands(open(sys.argv[1], encoding="utf-8").read())))
