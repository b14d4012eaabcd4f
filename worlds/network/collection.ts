/** Saved state of one collection route. */
export interface CollectionState {
  route: number;
  idField: string;
  nextId: number;
  items: Array<Record<string, unknown>>;
}

/**
 * A stateful REST collection behind a route: items with an identifier field, kept in order.
 * Numeric ids are assigned from `nextId` when a created item has none.
 */
export class Collection {
  readonly route: number;
  readonly idField: string;
  #nextId: number;
  #items: Array<Record<string, unknown>>;

  constructor(state: CollectionState) {
    this.route = state.route;
    this.idField = state.idField;
    this.#items = structuredClone(state.items);
    this.#nextId = state.nextId;
  }

  /** Initial state from a route's `collection` block: ids continue after the largest numeric one. */
  static initial(route: number, idField: string, items: Array<Record<string, unknown>>): CollectionState {
    const numeric = items.map((i) => Number(i[idField])).filter((n) => Number.isInteger(n));
    return { route, idField, nextId: numeric.length === 0 ? 1 : Math.max(...numeric) + 1, items };
  }

  list(): Array<Record<string, unknown>> {
    return structuredClone(this.#items);
  }

  get(id: string): Record<string, unknown> | undefined {
    const item = this.#items.find((i) => String(i[this.idField]) === id);
    return item === undefined ? undefined : structuredClone(item);
  }

  create(body: Record<string, unknown>): Record<string, unknown> {
    const item = { ...body };
    if (item[this.idField] === undefined) item[this.idField] = this.#nextId++;
    this.#items.push(item);
    return structuredClone(item);
  }

  /** Replaces (`merge: false`) or merges into an item; undefined when it does not exist. */
  update(id: string, body: Record<string, unknown>, merge: boolean): Record<string, unknown> | undefined {
    const index = this.#items.findIndex((i) => String(i[this.idField]) === id);
    if (index === -1) return undefined;
    const current = this.#items[index] as Record<string, unknown>;
    const next = merge ? { ...current, ...body } : { ...body };
    next[this.idField] = current[this.idField];
    this.#items[index] = next;
    return structuredClone(next);
  }

  delete(id: string): boolean {
    const index = this.#items.findIndex((i) => String(i[this.idField]) === id);
    if (index === -1) return false;
    this.#items.splice(index, 1);
    return true;
  }

  state(): CollectionState {
    return { route: this.route, idField: this.idField, nextId: this.#nextId, items: structuredClone(this.#items) };
  }
}
