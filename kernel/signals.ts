/** The daemon's signal handling: SIGTERM or SIGINT once stops the kernel gracefully. */
export function stopOnSignals(stop: () => unknown, log: (line: string) => void): void {
  const handler = (signal: string) => {
    log(`received ${signal}: shutting down`);
    void stop();
  };
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}
