"""Clove Python SDK: a standard-library-only client of the Clove kernel.

Example::

    from clove_sdk import CloveClient, CloveError

    with CloveClient() as c:
        print(c.echo("hello"))
"""

from .client import CloveClient
from .errors import CloveError, ErrorCode
from .opcodes import Opcode
from ._connection import default_socket_path
from .gym import task

__all__ = ["CloveClient", "CloveError", "ErrorCode", "Opcode", "default_socket_path", "task"]
__version__ = "0.1.0"
