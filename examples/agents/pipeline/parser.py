"""Pipeline stage 1, parser: splits the task's arithmetic into tokens."""

import re
import sys

from stage import run_stage

TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?|[-+*/()])")


def parse(work):
    text, tokens, pos = work["task"], [], 0
    while pos < len(text.rstrip()):
        match = TOKEN.match(text, pos)
        if not match:
            raise ValueError("cannot parse %r at position %d" % (text, pos))
        tokens.append(match.group(1))
        pos = match.end()
    return {"tokens": tokens}


if __name__ == "__main__":
    sys.exit(run_stage("parser", parse))
