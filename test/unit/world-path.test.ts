import { describe, expect, it } from 'vitest';
import { FsPathEscapeError, worldPath } from '../../worlds/index.js';

// worldPath returns an already-normal path as it is and normalises the rest segment by segment.
// This checks both routes against a plain reading of the rules, over every short path built
// from the characters that matter.

function reference(input: string): string | 'escape' {
  if (input.includes('\0') || input.includes('\\') || /^[A-Za-z]:/.test(input) || /^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return 'escape';
  const out: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return 'escape';
      out.pop();
    } else out.push(segment);
  }
  return `/${out.join('/')}`;
}

function actual(input: string): string | 'escape' {
  try {
    return worldPath(input);
  } catch (error) {
    if (error instanceof FsPathEscapeError) return 'escape';
    throw error;
  }
}

describe('worldPath', () => {
  it('agrees with the rules on every path of up to six characters from / . a \\0 \\\\', () => {
    const alphabet = ['/', '.', 'a', '\0', '\\'];
    let paths = [''];
    let checked = 0;
    for (let length = 1; length <= 6; length++) {
      paths = paths.flatMap((p) => alphabet.map((c) => p + c));
      for (const p of paths) {
        expect(actual(p), JSON.stringify(p)).toBe(reference(p));
        checked++;
      }
    }
    expect(checked).toBe(5 + 25 + 125 + 625 + 3125 + 15625);
  });

  it('returns a normal path unchanged and fixes the near misses', () => {
    for (const p of ['/', '/a', '/.hidden', '/..x', '/a/..b/.c', '/a b/ü.txt']) expect(worldPath(p)).toBe(p);
    expect(worldPath('/a/')).toBe('/a');
    expect(worldPath('/a/.')).toBe('/a');
    expect(worldPath('/a/b/..')).toBe('/a');
    expect(worldPath('//a//b')).toBe('/a/b');
    expect(worldPath('a/b')).toBe('/a/b');
    expect(() => worldPath('/..')).toThrow(FsPathEscapeError);
    expect(() => worldPath('/a\\b')).toThrow(FsPathEscapeError);
    expect(() => worldPath('/a\0b')).toThrow(FsPathEscapeError);
  });
});
