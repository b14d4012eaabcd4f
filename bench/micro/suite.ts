/** One task of a micro suite. */
export interface MicroTask {
  name: string;
  fn: () => unknown;
}

/** A group of tasks sharing setup (a world, a kernel) and its teardown. */
export interface MicroSuite {
  group: string;
  setup(): Promise<{ tasks: MicroTask[]; teardown(): Promise<void> }>;
}
