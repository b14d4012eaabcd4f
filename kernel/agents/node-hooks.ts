import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageInfo } from '../package-root.js';

/**
 * Module hooks for Node agents, registered with `module.register` through one `--import` data URL
 * (no file to ship or to mount into a sandbox):
 *
 * - `clove/sdk` (and `clove/worlds`, `clove/kernel`, `clove/adapters/*`) resolve to the kernel's own
 *   package wherever the agent's script lives, as PYTHONPATH does for Python agents. (An adapter's
 *   framework, `ai` or `@langchain/core`, must then be installed where that package can find it.)
 *   A `clove` the agent's own project installed still wins: the hook only answers what Node could not resolve.
 * - A `.ts` script with no `"type"` in its nearest package.json runs as an ES module (top-level await
 *   works), not as CommonJS, which is tsx's default. `.cts` and `"type": "commonjs"` stay CommonJS;
 *   `.js` needs nothing (Node detects ES module syntax by itself).
 */
const HOOKS = String.raw`
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
let targets = {};
export function initialize(data) { targets = data.targets; }
const MISSING = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'ERR_PACKAGE_IMPORT_NOT_DEFINED']);
function packageType(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try { return JSON.parse(readFileSync(pkg, 'utf8')).type ?? null; } catch { return null; }
    }
    if (dirname(dir) === dir) return null;
  }
}
export async function resolve(specifier, context, next) {
  let result;
  try {
    result = await next(specifier, context);
  } catch (error) {
    const target = targets[specifier];
    if (target && MISSING.has(error?.code)) return { url: target, format: 'module', shortCircuit: true };
    throw error;
  }
  if (result.url.startsWith('file:') && /\.ts$/.test(result.url) && !result.url.includes('/node_modules/')) {
    const file = fileURLToPath(result.url);
    if (packageType(file) === null) return { ...result, format: 'module' };
  }
  return result;
}
`;

let cached: string | undefined;

function entry(root: string, name: string): string | undefined {
  // The built package first (plain .js agents need it); the sources when running from a checkout under tsx.
  for (const candidate of [join(root, 'dist', name, 'index.js'), join(root, name, 'index.ts')]) {
    if (existsSync(candidate)) return pathToFileURL(candidate).href;
  }
  return undefined;
}

/** The `--import` argument that registers the hooks (one data URL; computed once). */
export function nodeHooksImport(): string {
  if (cached) return cached;
  const { root } = packageInfo();
  const targets: Record<string, string> = {};
  for (const name of ['sdk', 'worlds', 'kernel', 'adapters/ai-sdk', 'adapters/langchain']) {
    const url = entry(root, name);
    if (url) targets[`clove/${name}`] = url;
  }
  const hooks = `data:text/javascript,${encodeURIComponent(HOOKS)}`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(hooks)}, { data: { targets: ${JSON.stringify(targets)} } });`;
  cached = `data:text/javascript,${encodeURIComponent(register)}`;
  return cached;
}
