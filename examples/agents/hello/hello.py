"""hello: the smallest Clove agent. It echoes a message through the kernel and prints the reply.

    clove agent run examples/agents/hello/hello.py --wait -- "hi there"
    python3 examples/agents/hello/hello.py          # as an operator, against a running kernel
"""

import os
import sys

try:
    from clove_sdk import CloveClient
except ImportError:  # run from a checkout: use the SDK in sdk/python
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "sdk", "python"))
    from clove_sdk import CloveClient


def main():
    message = " ".join(sys.argv[1:]) or "hello from python"
    with CloveClient() as clove:
        reply = clove.echo(message)
        who = clove.agent_name or clove.role
        print("%s: kernel echoed %r" % (who, reply))
    return 0 if reply == message else 1


if __name__ == "__main__":
    sys.exit(main())
