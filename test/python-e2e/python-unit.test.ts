import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { useTestKernel } from '../helpers/kernel.js';

const ROOT = join(import.meta.dirname, '..', '..');

const k = useTestKernel();

it('passes the Python SDK unit tests (python3 -m unittest discover -s test/python)', async () => {
  // Pointed at this kernel, the suite's end-to-end part does not start a kernel of its own.
  const result = await promisify(execFile)('python3', ['-m', 'unittest', 'discover', '-s', 'test/python'], {
    cwd: ROOT,
    timeout: 60_000,
    env: { ...process.env, CLOVE_TEST_SOCKET: k.socketPath, CLOVE_TEST_TOKEN_FILE: k.tokenFile, CLOVE_SOCKET: '', CLOVE_TOKEN: '', CLOVE_FD: '' },
  }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, stderr: e.stderr ?? String(e) }),
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(/^OK/m);
}, 60_000);
