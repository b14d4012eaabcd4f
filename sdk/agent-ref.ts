/** An agent as calls name it: its numeric id or its name. */
export type AgentRef = number | string;

/** An agent reference from text (a CLI argument, a query): all digits is an id, anything else a name. */
export function parseAgentRef(text: string): AgentRef {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Whether `ref` (an id, a name, or an id written as text) names this agent (or this record's caller). */
export function refersTo(ref: AgentRef, agent: { id: number | null; name: string | null }): boolean {
  const parsed = typeof ref === 'string' ? parseAgentRef(ref) : ref;
  return typeof parsed === 'number' ? agent.id === parsed : agent.name === parsed;
}
