"""Errors of the Python SDK. Kernel error codes travel over the wire unchanged (see
sdk/protocol/error-codes.ts); codes that start with ``CLIENT_`` are raised by the SDK itself."""


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


class ErrorCode(object):
    """The kernel's stable error codes, plus the SDK's own ``CLIENT_*`` codes."""

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
    SANDBOX_UNAVAILABLE = "SANDBOX_UNAVAILABLE"
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
    LLM_QUOTA_EXCEEDED = "LLM_QUOTA_EXCEEDED"
    LLM_FAILED = "LLM_FAILED"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"

    # Raised by the SDK, never sent by the kernel.
    CLIENT_CONNECT_FAILED = "CLIENT_CONNECT_FAILED"
    CLIENT_NO_TOKEN = "CLIENT_NO_TOKEN"
    CLIENT_DISCONNECTED = "CLIENT_DISCONNECTED"
    CLIENT_TIMEOUT = "CLIENT_TIMEOUT"
    CLIENT_PROTOCOL_ERROR = "CLIENT_PROTOCOL_ERROR"
