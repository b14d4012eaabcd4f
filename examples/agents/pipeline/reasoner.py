"""Pipeline stage 2, reasoner: works out the answer from the parser's tokens (operator precedence,
parentheses), showing its steps."""

import sys

from stage import run_stage

PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
APPLY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b}


def reason(work):
    values, ops, steps = [], [], []

    def reduce_once():
        op, b, a = ops.pop(), values.pop(), values.pop()
        values.append(APPLY[op](a, b))
        steps.append("%g %s %g = %g" % (a, op, b, values[-1]))

    for token in work["tokens"]:
        if token == "(":
            ops.append(token)
        elif token == ")":
            while ops[-1] != "(":
                reduce_once()
            ops.pop()
        elif token in PRECEDENCE:
            while ops and ops[-1] != "(" and PRECEDENCE[ops[-1]] >= PRECEDENCE[token]:
                reduce_once()
            ops.append(token)
        else:
            values.append(float(token))
    while ops:
        reduce_once()
    return {"answer": values[0], "steps": steps}


if __name__ == "__main__":
    sys.exit(run_stage("reasoner", reason))
