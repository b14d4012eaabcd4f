/** An agent as calls name it: its numeric id or its name. */
export type AgentRef = number | string;

/** An agent reference from text (a CLI argument, a query): all digits is an id, anything else a name. */
export function parseAgentRef(text: string): AgentRef {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Whether `ref` (an id, a name, or an id written as text) names this agent. */
export function refersTo(ref: AgentRef, agent: { id: number; name: string }): boolean {
  return typeof ref === 'number' ? agent.id === ref : agent.name === ref || String(agent.id) === ref;
}
