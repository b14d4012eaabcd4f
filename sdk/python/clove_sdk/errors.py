"""Errors of the Python SDK. Kernel error codes travel over the wire unchanged; codes that start
with ``CLIENT_`` are raised by the SDK itself. ``ErrorCode`` and ``RETRYABLE_CODES`` below are
generated from the registry every layer shares (sdk/protocol/error-codes.ts, the table in
docs/protocol.md#error-codes)."""


class CloveError(Exception):
    """A failed Clove call. ``code`` is stable and safe to match on.

    Example::

        try:
            c.fetch("missing")
        except CloveError as e:
            if e.code == ErrorCode.AGENT_NOT_FOUND: ...
    """

    def __init__(self, code, message, details=None):
        Exception.__init__(self, "%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.details = details

    @property
    def retryable(self):
        """Whether the same call, made again unchanged, may succeed (a full mailbox, a timeout, a
        transient HTTP or LLM failure); False for a code this SDK does not know."""
        return self.code in RETRYABLE_CODES

    @classmethod
    def from_payload(cls, payload):
        """Builds the error from a kind-3 frame's ``{code, message, details?}``."""
        if not isinstance(payload, dict):
            return cls(ErrorCode.INTERNAL, "the kernel sent an error frame without a body: %r" % (payload,))
        return cls(
            str(payload.get("code") or ErrorCode.INTERNAL),
            str(payload.get("message") or "(no message)"),
            payload.get("details"),
        )


# BEGIN GENERATED: error-codes
# Generated from sdk/protocol/error-codes.ts by `npm run sync:error-codes`; do not edit by hand.
class ErrorCode(object):
    """The kernel's stable error codes, plus the SDK's own (``CLIENT_*``, ``GYM_NO_TASK``)."""

    FRAME_MALFORMED = "KERNEL_FRAME_MALFORMED"
    FRAME_TOO_LARGE = "KERNEL_FRAME_TOO_LARGE"
    UNSUPPORTED_VERSION = "KERNEL_UNSUPPORTED_VERSION"
    PAYLOAD_INVALID = "KERNEL_PAYLOAD_INVALID"
    PAYLOAD_TOO_COMPLEX = "KERNEL_PAYLOAD_TOO_COMPLEX"
    BAD_REQUEST = "KERNEL_BAD_REQUEST"
    NOT_IMPLEMENTED = "KERNEL_NOT_IMPLEMENTED"
    UNAUTHENTICATED = "KERNEL_UNAUTHENTICATED"
    FORBIDDEN = "KERNEL_FORBIDDEN"
    INTERNAL = "KERNEL_INTERNAL"
    SHUTTING_DOWN = "KERNEL_SHUTTING_DOWN"
    TIMEOUT = "KERNEL_TIMEOUT"
    AGENT_NOT_FOUND = "AGENT_NOT_FOUND"
    AGENT_NAME_TAKEN = "AGENT_NAME_TAKEN"
    AGENT_SPAWN_FAILED = "AGENT_SPAWN_FAILED"
    AGENT_NOT_RUNNING = "AGENT_NOT_RUNNING"
    SPAWN_EXCEEDS_PARENT = "SPAWN_EXCEEDS_PARENT"
    MAILBOX_FULL = "IPC_MAILBOX_FULL"
    MESSAGE_TOO_LARGE = "IPC_MESSAGE_TOO_LARGE"
    STORE_KEY_NOT_FOUND = "STORE_KEY_NOT_FOUND"
    STORE_QUOTA_EXCEEDED = "STORE_QUOTA_EXCEEDED"
    EVENT_TYPE_INVALID = "EVENT_TYPE_INVALID"
    PERMISSION_DENIED = "PERM_DENIED"
    PERMISSIONS_INVALID = "PERM_INVALID"
    SANDBOX_UNAVAILABLE = "SANDBOX_UNAVAILABLE"
    SANDBOX_UNREACHABLE = "SANDBOX_UNREACHABLE"
    SANDBOX_INVALID_LIMIT = "SANDBOX_INVALID_LIMIT"
    SANDBOX_CGROUP_FAILED = "SANDBOX_CGROUP_FAILED"
    SANDBOX_SETUP_FAILED = "SANDBOX_SETUP_FAILED"
    SANDBOX_LAUNCHER_FAILED = "SANDBOX_LAUNCHER_FAILED"
    SANDBOX_AGENT_NOT_RUNNING = "SANDBOX_AGENT_NOT_RUNNING"
    FS_NOT_FOUND = "FS_NOT_FOUND"
    FS_PATH_ESCAPE = "FS_PATH_ESCAPE"
    FS_ERROR = "FS_ERROR"
    FS_LINK_REFUSED = "FS_LINK_REFUSED"
    HTTP_BLOCKED = "HTTP_BLOCKED"
    HTTP_FAILED = "HTTP_FAILED"
    EXEC_FAILED = "EXEC_FAILED"
    WORLD_NOT_FOUND = "WORLD_NOT_FOUND"
    WORLD_EXISTS = "WORLD_EXISTS"
    WORLD_SCHEMA_INVALID = "WORLD_SCHEMA_INVALID"
    WORLD_SNAPSHOT_INVALID = "WORLD_SNAPSHOT_INVALID"
    WORLD_CLOSED = "WORLD_CLOSED"
    WORLD_RESTORED = "WORLD_RESTORED"
    LLM_QUOTA_EXCEEDED = "LLM_QUOTA_EXCEEDED"
    LLM_FAILED = "LLM_FAILED"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"

    # Raised by the SDKs, never sent by the kernel.
    CLIENT_CONNECT_FAILED = "CLIENT_CONNECT_FAILED"
    CLIENT_NO_TOKEN = "CLIENT_NO_TOKEN"
    CLIENT_DISCONNECTED = "CLIENT_DISCONNECTED"
    CLIENT_TIMEOUT = "CLIENT_TIMEOUT"
    CLIENT_PROTOCOL_ERROR = "CLIENT_PROTOCOL_ERROR"
    GYM_NO_TASK = "GYM_NO_TASK"


#: Codes whose call may succeed if made again unchanged (``CloveError.retryable``).
RETRYABLE_CODES = frozenset([
    ErrorCode.TIMEOUT,
    ErrorCode.MAILBOX_FULL,
    ErrorCode.HTTP_FAILED,
    ErrorCode.WORLD_RESTORED,
    ErrorCode.LLM_FAILED,
    ErrorCode.CLIENT_CONNECT_FAILED,
    ErrorCode.CLIENT_DISCONNECTED,
    ErrorCode.CLIENT_TIMEOUT,
])
# END GENERATED: error-codes
