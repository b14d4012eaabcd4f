/** A check as written in scenario.yaml: common fields plus the kind's own. */
export interface CheckSpec {
  id?: string;
  kind: string;
  /** Partial-credit weight (default 1). */
  weight?: number;
  /** Must pass for success (default true). */
  required?: boolean;
  description?: string;
  [field: string]: unknown;
}
