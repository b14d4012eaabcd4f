"""Syscall numbers, kept in step with sdk/protocol/opcodes.ts (the seed's numbering)."""


class Opcode(object):
    """Opcode numbers by name: ``Opcode.SPAWN == 0x10``."""

    NOOP = 0x00
    THINK = 0x01
    READ = 0x02
    WRITE = 0x03
    EXEC = 0x04
    STAT = 0x05
    LISTDIR = 0x06
    UNLINK = 0x07
    MKDIR = 0x08

    SPAWN = 0x10
    KILL = 0x11
    LIST = 0x12
    WAIT = 0x13
    LOGS = 0x14
    PAUSE = 0x15
    RESUME = 0x16

    SEND = 0x20
    RECV = 0x21
    BROADCAST = 0x22

    STORE = 0x30
    FETCH = 0x31
    DELETE = 0x32
    KEYS = 0x33

    GET_PERMS = 0x40
    SET_PERMS = 0x41

    HTTP = 0x50

    SUBSCRIBE = 0x60
    UNSUBSCRIBE = 0x61
    POLL_EVENTS = 0x62
    EMIT = 0x63

    TIME = 0x70
    SLEEP = 0x71

    WORLD_CREATE = 0xA0
    WORLD_DESTROY = 0xA1
    WORLD_LIST = 0xA2
    WORLD_JOIN = 0xA3
    WORLD_LEAVE = 0xA4
    WORLD_EVENT = 0xA5
    WORLD_STATE = 0xA6
    WORLD_SNAPSHOT = 0xA7
    WORLD_RESTORE = 0xA8

    METRICS_SYSTEM = 0xC0
    METRICS_AGENT = 0xC1
    METRICS_ALL_AGENTS = 0xC2
    METRICS_CGROUP = 0xC3

    HELLO = 0xF0
    STATUS = 0xF1
    SHUTDOWN = 0xF2


NAMES = dict((v, k) for k, v in vars(Opcode).items() if k.isupper())


def opcode_name(code):
    """The name of an opcode, e.g. ``"NOOP"``, or ``"0x2a"`` when the number is not assigned."""
    return NAMES.get(code, "0x%02x" % code)
