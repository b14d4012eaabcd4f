/**
 * The registry of Clove's error codes: one table, code → who raises it, whether a retry may
 * succeed, and what it means. Every error Clove raises on purpose is a `CloveError`
 * (`sdk/errors.ts`) whose `code` is listed here. The wire, both SDKs and the docs share this
 * table: the Python constants (`sdk/python/clove_sdk/errors.py`) and the tables in
 * docs/protocol.md are generated from it by `npm run sync:error-codes`, and
 * test/unit/error-codes.test.ts fails when they drift.
 *
 * Codes are stable: they travel over the wire unchanged, so clients in any language can match on
 * them; never rename one, only add.
 *
 * @example
 * import { ErrorCode, errorCodeInfo } from 'clove/sdk';
 * errorCodeInfo(ErrorCode.MAILBOX_FULL); // { code: 'IPC_MAILBOX_FULL', scope: 'request', retryable: true, meaning: '...' }
 */

/**
 * Who raises a code:
 * - `connection`: the kernel, in a request-id-0 error frame, then it closes the connection;
 * - `request`: the kernel, in the error frame that answers one request (the connection stays open);
 * - `client`: an SDK itself, never sent by the kernel;
 * - `library`: Clove's in-process libraries (kernel start-up, worlds, gym, scenarios, bench,
 *   reports, agents, cli); never on the wire.
 */
export type ErrorScope = 'connection' | 'request' | 'client' | 'library';

/** One row of the registry. */
export interface ErrorCodeInfo {
  /** The code itself, as it travels and as `CloveError.code` holds it. */
  readonly code: string;
  readonly scope: ErrorScope;
  /** Whether the same call, unchanged, may succeed later (a full mailbox, a timeout, a transient HTTP or LLM failure). */
  readonly retryable: boolean;
  /** When it is raised (the docs' "when" column; Markdown). */
  readonly meaning: string;
  /** For `library` codes: the layer that raises it (`any`: several do). */
  readonly layer?: 'kernel' | 'worlds' | 'gym' | 'scenarios' | 'bench' | 'reports' | 'agents' | 'cli' | 'mcp' | 'dashboard' | 'adapters' | 'any';
}

/** Codes the kernel sends. Keys are the TypeScript and Python constant names (`ErrorCode.MAILBOX_FULL`). */
const WIRE_ERRORS = {
  FRAME_MALFORMED: { code: 'KERNEL_FRAME_MALFORMED', scope: 'connection', retryable: false, meaning: 'bad magic, kind or codec; the connection is closed' },
  FRAME_TOO_LARGE: { code: 'KERNEL_FRAME_TOO_LARGE', scope: 'connection', retryable: false, meaning: 'frame larger than the maximum (default 16 MiB); the connection is closed' },
  UNSUPPORTED_VERSION: { code: 'KERNEL_UNSUPPORTED_VERSION', scope: 'connection', retryable: false, meaning: 'version byte is not 1; the connection is closed' },
  PAYLOAD_INVALID: { code: 'KERNEL_PAYLOAD_INVALID', scope: 'request', retryable: false, meaning: "the payload is not valid JSON / msgpack for the frame's codec" },
  PAYLOAD_TOO_COMPLEX: { code: 'KERNEL_PAYLOAD_TOO_COMPLEX', scope: 'request', retryable: false, meaning: 'the payload nests deeper than 64 levels or holds more than 1,000,000 values (`details: {limit, max}`); refused before decoding' },
  BAD_REQUEST: { code: 'KERNEL_BAD_REQUEST', scope: 'request', retryable: false, meaning: 'payload not a map; a field missing, of the wrong type or out of range (`details.field`); a non-request frame from a client; POLL_EVENTS without SUBSCRIBE; an agent-less METRICS_AGENT/METRICS_CGROUP/GET_PERMS/WORLD_JOIN/WORLD_LEAVE from an operator; invalid agent name; EXEC with `args`; scope `world` without a world or with `ttl_ms`; WORLD_CREATE with an unreadable `path`; a snapshot too large for a frame; `in_place` without `name`' },
  NOT_IMPLEMENTED: { code: 'KERNEL_NOT_IMPLEMENTED', scope: 'request', retryable: false, meaning: 'the opcode is unknown (`details.opcode`)' },
  UNAUTHENTICATED: { code: 'KERNEL_UNAUTHENTICATED', scope: 'request', retryable: false, meaning: 'a call other than NOOP/HELLO before HELLO; HELLO with an unknown or expired token' },
  FORBIDDEN: { code: 'KERNEL_FORBIDDEN', scope: 'request', retryable: false, meaning: "an agent calling an operator-only opcode without the grant, or acting on an agent it did not spawn (KILL/PAUSE/RESUME), reading another agent's permissions, moving another agent between worlds; RECV by an operator" },
  INTERNAL: { code: 'KERNEL_INTERNAL', scope: 'request', retryable: false, meaning: 'a bug in the kernel (the message says what); the connection stays open' },
  SHUTTING_DOWN: { code: 'KERNEL_SHUTTING_DOWN', scope: 'request', retryable: false, meaning: 'reserved: a call the kernel refuses because it is stopping' },
  TIMEOUT: { code: 'KERNEL_TIMEOUT', scope: 'request', retryable: true, meaning: "WAIT's `timeout_ms` passed with the agent still alive" },
  AGENT_NOT_FOUND: { code: 'AGENT_NOT_FOUND', scope: 'request', retryable: false, meaning: 'no agent with that id or name (`details.agent`)' },
  AGENT_NAME_TAKEN: { code: 'AGENT_NAME_TAKEN', scope: 'request', retryable: false, meaning: 'SPAWN with the name of a running agent' },
  AGENT_SPAWN_FAILED: { code: 'AGENT_SPAWN_FAILED', scope: 'request', retryable: false, meaning: 'SPAWN: script missing, not a file, not executable, or the exec failed' },
  AGENT_NOT_RUNNING: { code: 'AGENT_NOT_RUNNING', scope: 'request', retryable: false, meaning: 'SEND to an agent that ended; PAUSE/RESUME of an agent that is not running; EXEC by an agent without a running process' },
  SPAWN_EXCEEDS_PARENT: { code: 'SPAWN_EXCEEDS_PARENT', scope: 'request', retryable: false, meaning: 'SPAWN by an agent asked for more than the agent has (sandbox, network, limits, permissions, grants, world, cwd/script); `details.exceeds` lists each excess' },
  MAILBOX_FULL: { code: 'IPC_MAILBOX_FULL', scope: 'request', retryable: true, meaning: 'the receiver has 1,000 unread messages (`details.capacity`); retry later' },
  MESSAGE_TOO_LARGE: { code: 'IPC_MESSAGE_TOO_LARGE', scope: 'request', retryable: false, meaning: 'SEND/BROADCAST payload over 1 MiB as JSON' },
  STORE_KEY_NOT_FOUND: { code: 'STORE_KEY_NOT_FOUND', scope: 'request', retryable: false, meaning: 'reserved (FETCH answers `found: false` instead)' },
  STORE_QUOTA_EXCEEDED: { code: 'STORE_QUOTA_EXCEEDED', scope: 'request', retryable: false, meaning: 'reserved: store quotas' },
  EVENT_TYPE_INVALID: { code: 'EVENT_TYPE_INVALID', scope: 'request', retryable: false, meaning: 'SUBSCRIBE/UNSUBSCRIBE with an unknown type; EMIT of a type other than CUSTOM; WORLD_EVENT with an unknown type or bad params' },
  PERMISSION_DENIED: { code: 'PERM_DENIED', scope: 'request', retryable: false, meaning: "an agent's permission set refuses a host file path, an EXEC command or an HTTP domain (`details: {rule, reason}`; SYSCALL_BLOCKED is published)" },
  PERMISSIONS_INVALID: { code: 'PERM_INVALID', scope: 'request', retryable: false, meaning: 'SET_PERMS or SPAWN with a permission level or object that does not validate (`details.field` for SET_PERMS)' },
  SANDBOX_UNAVAILABLE: { code: 'SANDBOX_UNAVAILABLE', scope: 'request', retryable: false, meaning: 'METRICS_CGROUP of an agent without a cgroup (a SPAWN whose isolation cannot be provided still runs, and says so in `isolation`)' },
  SANDBOX_UNREACHABLE: { code: 'SANDBOX_UNREACHABLE', scope: 'request', retryable: false, meaning: "SPAWN sandboxed: the interpreter, script or working directory is not reachable by the agent's uid (the message names the blocking path)" },
  SANDBOX_INVALID_LIMIT: { code: 'SANDBOX_INVALID_LIMIT', scope: 'request', retryable: false, meaning: 'a `limits` value the sandbox cannot apply' },
  SANDBOX_CGROUP_FAILED: { code: 'SANDBOX_CGROUP_FAILED', scope: 'request', retryable: false, meaning: "creating or configuring the agent's cgroup failed" },
  SANDBOX_SETUP_FAILED: { code: 'SANDBOX_SETUP_FAILED', scope: 'request', retryable: false, meaning: 'reserved: not sent today (a launcher that fails to set up the sandbox exits 125 and the agent ends `failed`)' },
  SANDBOX_LAUNCHER_FAILED: { code: 'SANDBOX_LAUNCHER_FAILED', scope: 'request', retryable: false, meaning: 'the sandbox launcher could not be built or probed' },
  SANDBOX_AGENT_NOT_RUNNING: { code: 'SANDBOX_AGENT_NOT_RUNNING', scope: 'request', retryable: false, meaning: 'EXEC into the namespaces of a sandboxed agent that is no longer running' },
  FS_NOT_FOUND: { code: 'FS_NOT_FOUND', scope: 'request', retryable: false, meaning: 'file calls: no such path (`details.path` on the host)' },
  FS_PATH_ESCAPE: { code: 'FS_PATH_ESCAPE', scope: 'request', retryable: false, meaning: "file calls in a world: the path leaves the world's root" },
  FS_ERROR: { code: 'FS_ERROR', scope: 'request', retryable: false, meaning: 'file calls: any other filesystem error (`details.errno` on the host); a READ slice larger than a frame' },
  FS_LINK_REFUSED: { code: 'FS_LINK_REFUSED', scope: 'request', retryable: false, meaning: "host file calls of an agent: a symlink on the path the agent controls (`details.rule` `fs.symlink`), or a hard-linked file for an agent with the kernel's uid (`fs.hardlink`); use the real path" },
  HTTP_BLOCKED: { code: 'HTTP_BLOCKED', scope: 'request', retryable: false, meaning: 'HTTP in a world: no matching mock route, offline mode, or host outside the allow list' },
  HTTP_FAILED: { code: 'HTTP_FAILED', scope: 'request', retryable: true, meaning: 'HTTP: connection, DNS or timeout failure; an injected network outage in a world' },
  EXEC_FAILED: { code: 'EXEC_FAILED', scope: 'request', retryable: false, meaning: 'EXEC: the command could not be started' },
  WORLD_NOT_FOUND: { code: 'WORLD_NOT_FOUND', scope: 'request', retryable: false, meaning: 'no world with that name (a `world` field, SPAWN `world`, WORLD_*)' },
  WORLD_EXISTS: { code: 'WORLD_EXISTS', scope: 'request', retryable: false, meaning: 'WORLD_CREATE or WORLD_RESTORE (not in place) with a name in use' },
  WORLD_SCHEMA_INVALID: { code: 'WORLD_SCHEMA_INVALID', scope: 'request', retryable: false, meaning: 'WORLD_CREATE: the world definition fails its schema (file, line, column in the message)' },
  WORLD_SNAPSHOT_INVALID: { code: 'WORLD_SNAPSHOT_INVALID', scope: 'request', retryable: false, meaning: 'WORLD_RESTORE of an unreadable, corrupt or incompatible snapshot' },
  WORLD_CLOSED: { code: 'WORLD_CLOSED', scope: 'request', retryable: false, meaning: 'a SLEEP or HTTP call waiting on a world that was destroyed' },
  WORLD_RESTORED: { code: 'WORLD_RESTORED', scope: 'request', retryable: true, meaning: 'a SLEEP or HTTP call waiting on a world that was restored in place (the world goes on)' },
  LLM_QUOTA_EXCEEDED: { code: 'LLM_QUOTA_EXCEEDED', scope: 'request', retryable: false, meaning: 'THINK by an agent over its call or token quota, or without `llm.allowed` (`details: {rule, reason}`)' },
  LLM_FAILED: { code: 'LLM_FAILED', scope: 'request', retryable: true, meaning: 'THINK: the provider failed (`details.kind`: rate_limit, server_error, timeout, malformed, unreachable, bad_request, auth, outage, replay_miss, aborted)' },
  QUOTA_EXCEEDED: { code: 'QUOTA_EXCEEDED', scope: 'request', retryable: false, meaning: "a [resource quota](#resource-quotas) would be passed: `details: {quota, limit, requested, rule: \"quotas.<name>\"}` (world limits: `rule: \"limits.<name>\"`); nothing was changed. Also a connection-level refusal past `unauthenticated_connections`" },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes the SDKs raise themselves. TypeScript `ClientErrorCode.<key>`; Python names them by their code (`ErrorCode.CLIENT_TIMEOUT`). */
const CLIENT_ERRORS = {
  CONNECT_FAILED: { code: 'CLIENT_CONNECT_FAILED', scope: 'client', retryable: true, meaning: 'the socket cannot be connected (no kernel, wrong path, permission) or fd 3 is unusable' },
  NO_TOKEN: { code: 'CLIENT_NO_TOKEN', scope: 'client', retryable: false, meaning: 'Python: no token found (no `CLOVE_TOKEN`, no readable operator token file)' },
  DISCONNECTED: { code: 'CLIENT_DISCONNECTED', scope: 'client', retryable: true, meaning: 'the connection closed (by either side) with the call unanswered' },
  TIMEOUT: { code: 'CLIENT_TIMEOUT', scope: 'client', retryable: true, meaning: "no answer within the call's client-side timeout" },
  PROTOCOL: { code: 'CLIENT_PROTOCOL_ERROR', scope: 'client', retryable: false, meaning: 'the kernel sent bytes that are not a valid frame or payload' },
  GYM_NO_TASK: { code: 'GYM_NO_TASK', scope: 'client', retryable: false, meaning: '`task()` in an agent that was not started by a gym episode (`CLOVE_TASK` unset or not JSON)' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of the in-process libraries (never on the wire); keyed by the code itself. */
const LIBRARY_ERRORS = {
  KERNEL_ALREADY_RUNNING: { code: 'KERNEL_ALREADY_RUNNING', scope: 'library', layer: 'kernel', retryable: false, meaning: 'starting a kernel on a socket another kernel listens on, or with a state directory another live kernel holds' },
  KERNEL_SOCKET_PATH_TAKEN: { code: 'KERNEL_SOCKET_PATH_TAKEN', scope: 'library', layer: 'kernel', retryable: false, meaning: 'starting a kernel on a socket path that exists and is not a socket (it is never replaced)' },
  KERNEL_START_FAILED: { code: 'KERNEL_START_FAILED', scope: 'library', layer: 'cli', retryable: false, meaning: '`clove kernel start`: the background kernel did not come up (`details.log` names its log)' },
  LLM_NOT_CONFIGURED: { code: 'LLM_NOT_CONFIGURED', scope: 'library', layer: 'kernel', retryable: false, meaning: 'the chosen LLM provider lacks its settings (the message names the variables to set), or its replay file cannot be read' },
  QUOTA_INVALID: { code: 'QUOTA_INVALID', scope: 'library', layer: 'kernel', retryable: false, meaning: 'a kernel quota option (`--quota name=N`, `quotas`) that is unknown or not a positive number (`details.quota`)' },
  INSTALLATION_BROKEN: { code: 'INSTALLATION_BROKEN', scope: 'library', layer: 'any', retryable: false, meaning: 'a file Clove ships (a JSON Schema, the HTML report viewer, chart.js) is missing: reinstall' },
  CLI_USAGE: { code: 'CLI_USAGE', scope: 'library', layer: 'cli', retryable: false, meaning: 'a CLI command with bad arguments or options (exit status 2)' },
  CLI_FAILED: { code: 'CLI_FAILED', scope: 'library', layer: 'cli', retryable: false, meaning: 'a CLI command failed for another reason (exit status 1)' },
  MCP_IDENTITY_FAILED: { code: 'MCP_IDENTITY_FAILED', scope: 'library', layer: 'mcp', retryable: false, meaning: '`clove mcp` could not set up the agent identity its tools act as (the message says which step failed)' },
  MCP_SELF_KILL: { code: 'MCP_SELF_KILL', scope: 'library', layer: 'mcp', retryable: false, meaning: '`clove_kill` aimed at the MCP identity itself; close the MCP session instead' },
  MCP_ENV_NOT_FOUND: { code: 'MCP_ENV_NOT_FOUND', scope: 'library', layer: 'mcp', retryable: false, meaning: 'a gym tool named an env id that is not open (the open ids are listed)' },
  MCP_TOOL_FAILED: { code: 'MCP_TOOL_FAILED', scope: 'library', layer: 'mcp', retryable: false, meaning: 'an MCP tool failed with an error that carried no Clove code (the message is the original one)' },
  MCP_TOO_MANY_ENVS: { code: 'MCP_TOO_MANY_ENVS', scope: 'library', layer: 'mcp', retryable: false, meaning: '`gym_reset` beyond the open-env limit of one MCP session; close one with `gym_close`' },
  DASHBOARD_UNAUTHORIZED: { code: 'DASHBOARD_UNAUTHORIZED', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'an API or stream request of `clove dashboard` without a session cookie or the operator token as bearer (HTTP 401)' },
  DASHBOARD_ORIGIN_REFUSED: { code: 'DASHBOARD_ORIGIN_REFUSED', scope: 'library', layer: 'dashboard', retryable: false, meaning: "a change (POST) to `clove dashboard` from another origin than the dashboard's own pages (HTTP 403)" },
  DASHBOARD_HOST_REFUSED: { code: 'DASHBOARD_HOST_REFUSED', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'a request to `clove dashboard` naming another host in `Host` (DNS rebinding; HTTP 403)' },
  DASHBOARD_BAD_REQUEST: { code: 'DASHBOARD_BAD_REQUEST', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'a dashboard API request with a missing or malformed field (the message names it; HTTP 400)' },
  DASHBOARD_NOT_FOUND: { code: 'DASHBOARD_NOT_FOUND', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'a dashboard route that does not exist (HTTP 404)' },
  DASHBOARD_KERNEL_DOWN: { code: 'DASHBOARD_KERNEL_DOWN', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'no kernel answers on the socket the dashboard talks to: `clove dashboard` exits 3 (without `--wait`), the API answers 503 until one does' },
  DASHBOARD_NO_RESULTS: { code: 'DASHBOARD_NO_RESULTS', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'a results API request to a dashboard started without `--results DIR` (HTTP 404)' },
  DASHBOARD_RESULTS_MISSING: { code: 'DASHBOARD_RESULTS_MISSING', scope: 'library', layer: 'dashboard', retryable: false, meaning: '`clove dashboard --results DIR` with a path that does not exist (exit status 2)' },
  DASHBOARD_RESULTS_NOT_FOUND: { code: 'DASHBOARD_RESULTS_NOT_FOUND', scope: 'library', layer: 'dashboard', retryable: false, meaning: "a results path that does not exist under the dashboard's `--results` directory (HTTP 404)" },
  DASHBOARD_BAD_PATH: { code: 'DASHBOARD_BAD_PATH', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'a results path that is empty or absolute instead of relative to `--results` (HTTP 400)' },
  DASHBOARD_PATH_OUTSIDE: { code: 'DASHBOARD_PATH_OUTSIDE', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'a results path that leads outside the `--results` directory (`..`, a link; HTTP 403)' },
  DASHBOARD_TRAJECTORY_INVALID: { code: 'DASHBOARD_TRAJECTORY_INVALID', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'a recording that is not a trajectory of JSON lines from RecordEpisode (the message names the line; HTTP 400)' },
  DASHBOARD_NO_AUDIT_LOG: { code: 'DASHBOARD_NO_AUDIT_LOG', scope: 'library', layer: 'dashboard', retryable: false, meaning: "the kernel's audit log is not where the dashboard looks (its state directory; HTTP 404)" },
  DASHBOARD_PORT_IN_USE: { code: 'DASHBOARD_PORT_IN_USE', scope: 'library', layer: 'dashboard', retryable: false, meaning: '`clove dashboard --port P` with a port another program listens on; pick another (0 picks a free one)' },
  DASHBOARD_LISTEN_FAILED: { code: 'DASHBOARD_LISTEN_FAILED', scope: 'library', layer: 'dashboard', retryable: false, meaning: '`clove dashboard` could not listen on the address and port given (the message says why)' },
  DASHBOARD_FAILED: { code: 'DASHBOARD_FAILED', scope: 'library', layer: 'dashboard', retryable: false, meaning: 'a dashboard API request failed with an error that carried no Clove code (HTTP 500; the message is the original one)' },
  GYM_ACTION_INVALID: { code: 'GYM_ACTION_INVALID', scope: 'library', layer: 'gym', retryable: false, meaning: 'an action that does not match the action schema (`field` names where); the episode is unchanged' },
  GYM_RESET_NEEDED: { code: 'GYM_RESET_NEEDED', scope: 'library', layer: 'gym', retryable: false, meaning: '`step` before `reset`, or after the episode ended' },
  GYM_ENV_CLOSED: { code: 'GYM_ENV_CLOSED', scope: 'library', layer: 'gym', retryable: false, meaning: 'any call on a closed env' },
  GYM_ENV_NOT_FOUND: { code: 'GYM_ENV_NOT_FOUND', scope: 'library', layer: 'gym', retryable: false, meaning: '`make(id)` / `registry.lookup(id)` with an unregistered id (the closest ids are named)' },
  GYM_SPEC_INVALID: { code: 'GYM_SPEC_INVALID', scope: 'library', layer: 'gym', retryable: false, meaning: 'an env spec that cannot be registered or made' },
  GYM_RECORD_INVALID: { code: 'GYM_RECORD_INVALID', scope: 'library', layer: 'gym', retryable: false, meaning: 'a recorded episode file that cannot be replayed (file:line in the message)' },
  GYM_FORK_INVALID: { code: 'GYM_FORK_INVALID', scope: 'library', layer: 'gym', retryable: false, meaning: '`fork(n)` with n not a positive integer' },
  GYM_FORK_UNSUPPORTED: { code: 'GYM_FORK_UNSUPPORTED', scope: 'library', layer: 'gym', retryable: false, meaning: '`fork()` or `snapshot()` of an episode with scripted peers' },
  GYM_RESET_MASK_INVALID: { code: 'GYM_RESET_MASK_INVALID', scope: 'library', layer: 'gym', retryable: false, meaning: 'a vector env `reset_mask` that is not one boolean per env' },
  GYM_WORKER_EXITED: { code: 'GYM_WORKER_EXITED', scope: 'library', layer: 'gym', retryable: false, meaning: 'a vector env worker process exited' },
  GYM_WORKER_FAILED: { code: 'GYM_WORKER_FAILED', scope: 'library', layer: 'gym', retryable: false, meaning: 'a vector env worker failed with an error that carries no code of its own' },
  GYM_WORKER_PROTOCOL: { code: 'GYM_WORKER_PROTOCOL', scope: 'library', layer: 'gym', retryable: false, meaning: 'a vector env worker answered out of turn' },
  GYM_NO_REFERENCE: { code: 'GYM_NO_REFERENCE', scope: 'library', layer: 'gym', retryable: false, meaning: 'the reference agent was asked of a scenario without one' },
  GYM_REFERENCE_INVALID: { code: 'GYM_REFERENCE_INVALID', scope: 'library', layer: 'gym', retryable: false, meaning: "a scenario's reference module has no default `ScriptedAgent` export" },
  GYM_AGENT_INVALID: { code: 'GYM_AGENT_INVALID', scope: 'library', layer: 'gym', retryable: false, meaning: 'an agent of a kind that cannot run the way it was asked (process vs in-process)' },
  GYM_ABORTED: { code: 'GYM_ABORTED', scope: 'library', layer: 'gym', retryable: false, meaning: "the episode's abort signal fired" },
  SCENARIO_SCHEMA_INVALID: { code: 'SCENARIO_SCHEMA_INVALID', scope: 'library', layer: 'scenarios', retryable: false, meaning: 'scenario.yaml or its world does not parse, does not match the schema, or names missing files or values' },
  SCENARIO_MODULE_INVALID: { code: 'SCENARIO_MODULE_INVALID', scope: 'library', layer: 'scenarios', retryable: false, meaning: 'a generator, reference, peer or custom check module is missing, fails to import, or exports the wrong thing' },
  SCENARIO_GENERATOR_FAILED: { code: 'SCENARIO_GENERATOR_FAILED', scope: 'library', layer: 'scenarios', retryable: false, meaning: 'the generator threw or returned something other than a plain object' },
  SCENARIO_NOT_FOUND: { code: 'SCENARIO_NOT_FOUND', scope: 'library', layer: 'scenarios', retryable: false, meaning: '`builtinScenario(id)` with an unknown id' },
  SCENARIO_TEMPLATE_VALUE_MISSING: { code: 'SCENARIO_TEMPLATE_VALUE_MISSING', scope: 'library', layer: 'scenarios', retryable: false, meaning: 'a `{{placeholder}}` names no value the generator returned (reported as a SCENARIO_SCHEMA_INVALID issue)' },
  SUITE_INVALID: { code: 'SUITE_INVALID', scope: 'library', layer: 'bench', retryable: false, meaning: 'a suite file does not parse, does not match the schema, or names scenarios that do not exist' },
  RESULTS_INCOMPATIBLE: { code: 'RESULTS_INCOMPATIBLE', scope: 'library', layer: 'bench', retryable: false, meaning: 'result sets that cannot be compared or merged (other suites, format versions or shards)' },
  RESUME_MISMATCH: { code: 'RESUME_MISMATCH', scope: 'library', layer: 'bench', retryable: false, meaning: '`--resume DIR` or `--out DIR` holds results of another suite' },
  SHARD_INVALID: { code: 'SHARD_INVALID', scope: 'library', layer: 'bench', retryable: false, meaning: '`--shard i/n`, `--shards` or `--shard-index-env` out of range or unset' },
  RUN_DIR_INVALID: { code: 'RUN_DIR_INVALID', scope: 'library', layer: 'bench', retryable: false, meaning: 'a directory that is not a `clove bench run` output directory' },
  MICRO_UNKNOWN_GROUP: { code: 'MICRO_UNKNOWN_GROUP', scope: 'library', layer: 'bench', retryable: false, meaning: 'an unknown micro-benchmark group' },
  RESULTS_INVALID: { code: 'RESULTS_INVALID', scope: 'library', layer: 'reports', retryable: false, meaning: 'a results file that does not parse or does not match the schema' },
  RESULTS_MISSING: { code: 'RESULTS_MISSING', scope: 'library', layer: 'reports', retryable: false, meaning: 'a results file that does not exist' },
  RESULTS_VERSION_MISMATCH: { code: 'RESULTS_VERSION_MISMATCH', scope: 'library', layer: 'reports', retryable: false, meaning: 'a results file of another format version' },
  AGENT_TASK_MISSING: { code: 'AGENT_TASK_MISSING', scope: 'library', layer: 'agents', retryable: false, meaning: 'the LLM agent program started without a task (`CLOVE_TASK` unset)' },
  AGENT_SETTING_INVALID: { code: 'AGENT_SETTING_INVALID', scope: 'library', layer: 'agents', retryable: false, meaning: 'a `CLOVE_AGENT_*` setting of the LLM agent that is not a non-negative number (`details.variable`)' },
  BAD_ARGUMENTS: { code: 'BAD_ARGUMENTS', scope: 'library', layer: 'agents', retryable: false, meaning: "a tool call of the LLM agent with a missing or mistyped argument (the tool's result the model sees)" },
  UNKNOWN_TOOL: { code: 'UNKNOWN_TOOL', scope: 'library', layer: 'agents', retryable: false, meaning: 'a tool call of the LLM agent naming a tool it does not offer' },
  TOOL_FAILED: { code: 'TOOL_FAILED', scope: 'library', layer: 'agents', retryable: false, meaning: 'a tool of the LLM agent or the gym failed with an error that carries no code of its own' },
} as const satisfies Record<string, ErrorCodeInfo>;

type CodesOf<T extends Record<string, { code: string }>> = { readonly [K in keyof T]: T[K]['code'] };

function codesOf<T extends Record<string, { code: string }>>(table: T): CodesOf<T> {
  return Object.freeze(Object.fromEntries(Object.entries(table).map(([key, info]) => [key, info.code]))) as CodesOf<T>;
}

/** The codes the kernel sends, by constant name. */
export const ErrorCode = codesOf(WIRE_ERRORS);
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The codes the SDKs raise themselves (never sent by the kernel). */
export const ClientErrorCode = codesOf(CLIENT_ERRORS);
export type ClientErrorCodeValue = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** The codes of the in-process libraries (never on the wire). */
export type LibraryErrorCodeValue = keyof typeof LIBRARY_ERRORS;

/** Every registered code. The error bases of each layer take only these, so an unregistered code does not compile. */
export type CloveErrorCode = ErrorCodeValue | ClientErrorCodeValue | LibraryErrorCodeValue;

/** A registry row with the constant name it has in the SDKs. */
export interface RegisteredErrorCode extends ErrorCodeInfo {
  /** `ErrorCode.<name>` for wire codes, `ClientErrorCode.<name>` for client codes, the code itself otherwise. */
  readonly name: string;
}

/** The whole registry, in a stable order: wire codes, client codes, library codes. */
export const ERROR_CODES: readonly RegisteredErrorCode[] = Object.freeze(
  [WIRE_ERRORS, CLIENT_ERRORS, LIBRARY_ERRORS].flatMap((table) =>
    Object.entries(table).map(([name, info]): RegisteredErrorCode => Object.freeze({ name, ...(info as ErrorCodeInfo) })),
  ),
);

const BY_CODE = new Map<string, RegisteredErrorCode>(ERROR_CODES.map((row) => [row.code, row]));

/** The registry row of `code`, or undefined for a code this version does not know (a newer kernel's). */
export function errorCodeInfo(code: string): RegisteredErrorCode | undefined {
  return BY_CODE.get(code);
}

/** Whether the kernel may send `code` (scope `connection` or `request`). */
export function isWireCode(code: string): code is ErrorCodeValue {
  const scope = BY_CODE.get(code)?.scope;
  return scope === 'connection' || scope === 'request';
}

/** Whether a call that failed with `code` may succeed if made again unchanged; false for unknown codes. */
export function isRetryable(code: string): boolean {
  return BY_CODE.get(code)?.retryable ?? false;
}
