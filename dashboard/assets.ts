/**
 * The page's files (dashboard/public: index.html, app.js, style.css), shipped in the package and
 * read once from disk: nothing is fetched from elsewhere, so the page works offline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: string;
  type: string;
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'login.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

let loaded: Map<string, Asset> | undefined;

/** The directory holding the page's files: beside this module in the source tree, or dashboard/public in the package. */
export function publicDir(): string {
  for (const candidate of ['./public/', '../../dashboard/public/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new Error('dashboard/public/index.html is missing from the installation; reinstall clove.');
}

/** Every page file by name. */
export function assets(): Map<string, Asset> {
  if (loaded) return loaded;
  const dir = publicDir();
  loaded = new Map(Object.entries(FILES).map(([name, type]) => [name, { body: readFileSync(`${dir}${name}`, 'utf8'), type }]));
  return loaded;
}
