import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { ensureProgram } from '../sandbox/helper/build.js';

/**
 * The kernel's mount helper: one long-lived root process that mounts, resizes and detaches world
 * tmpfs trees with mount(2) and umount2(2), one request per line. Forking mount(8) from the kernel
 * costs 4–7 ms of its event loop per call (the fork copies a large process); a request here costs
 * a pipe round trip. Requests: `mount|remount <dir> <options>`, `umount <dir>`, tab-separated;
 * answers `ok` or `err <errno> <message>`.
 */
const MOUNTER_SOURCE = String.raw`/* clove-mounter: world tmpfs mounts for the Clove kernel (see kernel/worlds/mounter.ts). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

int main(int argc, char **argv) {
  static char line[16384];
  const char *source = argc > 1 ? argv[1] : "clove-world";
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (fgets(line, sizeof line, stdin)) {
    size_t n = strlen(line);
    if (n == 0 || line[n - 1] != '\n') {
      int c;
      while ((c = getchar()) != EOF && c != '\n') {}
      printf("err\t%d\trequest longer than %zu bytes\n", EINVAL, sizeof line - 2);
      continue;
    }
    line[n - 1] = 0;
    char *op = line;
    char *dir = strchr(op, '\t');
    if (!dir) { printf("err\t%d\tmalformed request\n", EINVAL); continue; }
    *dir++ = 0;
    char *options = strchr(dir, '\t');
    if (options) *options++ = 0;
    int rc;
    if (!strcmp(op, "mount") && options) rc = mount(source, dir, "tmpfs", MS_NOSUID | MS_NODEV, options);
    else if (!strcmp(op, "remount") && options) rc = mount(source, dir, "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV, options);
    else if (!strcmp(op, "umount") && !options) rc = umount2(dir, MNT_DETACH);
    else { printf("err\t%d\tunknown request\n", EINVAL); continue; }
    if (rc == 0) printf("ok\n");
    else printf("err\t%d\t%s\n", errno, strerror(errno));
  }
  return 0;
}
`;

type Child = ChildProcessByStdio<Writable, Readable, null>;

/** A running clove-mounter: requests are answered in order, one line each. */
class Mounter {
  readonly #child: Child;
  readonly #waiting: Array<{ resolve(): void; reject(error: Error): void }> = [];
  #buffer = '';
  #gone: Error | null = null;

  constructor(path: string, source: string) {
    this.#child = spawn(path, [source], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => this.#read(chunk));
    const fail = (error: Error): void => {
      this.#gone ??= error;
      for (const w of this.#waiting.splice(0)) w.reject(this.#gone);
    };
    this.#child.on('error', fail);
    this.#child.on('exit', (code, signal) => fail(new Error(`clove-mounter ended (${signal ?? `exit ${code}`})`)));
    this.#child.stdin.on('error', () => undefined);
    this.#idle();
  }

  get alive(): boolean {
    return this.#gone === null;
  }

  request(fields: string[]): Promise<void> {
    if (this.#gone) return Promise.reject(this.#gone);
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#busy();
      this.#child.stdin.write(`${fields.join('\t')}\n`);
    });
  }

  close(): void {
    this.#child.stdin.end();
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    for (let end = this.#buffer.indexOf('\n'); end >= 0; end = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      const waiter = this.#waiting.shift();
      if (!waiter) continue;
      if (line === 'ok') waiter.resolve();
      else {
        const [, errno, message] = line.split('\t');
        waiter.reject(Object.assign(new Error(message ?? line), { errno: Number(errno) }));
      }
    }
    if (this.#waiting.length === 0) this.#idle();
  }

  // An idle mounter does not keep the kernel's process alive; one with a request out does.
  #idle(): void {
    this.#child.unref();
    (this.#child.stdout as Readable & Partial<Socket>).unref?.();
    (this.#child.stdin as Writable & Partial<Socket>).unref?.();
  }

  #busy(): void {
    this.#child.ref();
    (this.#child.stdout as Readable & Partial<Socket>).ref?.();
  }
}

let current: Promise<Mounter | null> | null = null;

/**
 * The process's mounter, started (and compiled, once per machine) on first use; null when it
 * cannot run here (not root, or no C compiler), and callers fall back to mount(8).
 */
export async function mounter(source: string): Promise<Mounter | null> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const live = current ? await current : null;
  if (current && (live === null || live.alive)) return live;
  current = ensureProgram({ name: 'clove-mounter', what: 'the world mount helper', source: MOUNTER_SOURCE })
    .then((build) => (build.path ? new Mounter(build.path, source) : null))
    .catch(() => null);
  return current;
}

/** Whether `path` can travel in a request line (a tab or newline would split it). */
export function requestSafe(...fields: string[]): boolean {
  return fields.every((f) => !/[\t\n\0]/.test(f));
}
