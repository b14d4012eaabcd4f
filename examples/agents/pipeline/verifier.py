"""Pipeline stage 3, verifier: recomputes the task from its original text, independently of the
parser and reasoner, and reports whether the reasoner's answer holds."""

import ast
import operator
import sys

from stage import run_stage

OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate(node):
    if isinstance(node, ast.BinOp) and type(node.op) in OPS:
        return OPS[type(node.op)](evaluate(node.left), evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -evaluate(node.operand)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    raise ValueError("not plain arithmetic: %s" % ast.dump(node))


def verify(work):
    expected = evaluate(ast.parse(work["task"], mode="eval").body)
    return {"expected": expected, "verified": abs(expected - work["answer"]) < 1e-9}


if __name__ == "__main__":
    sys.exit(run_stage("verifier", verify))
