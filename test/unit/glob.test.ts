import { describe, expect, it } from 'vitest';
import { globToRegExp, matchGlob } from '../../kernel/permissions/glob.js';

describe('matchGlob on paths', () => {
  it('`*` stays within one segment, `**` crosses segments', () => {
    expect(matchGlob('/home/*/notes.txt', '/home/ann/notes.txt')).toBe(true);
    expect(matchGlob('/home/*/notes.txt', '/home/ann/sub/notes.txt')).toBe(false);
    expect(matchGlob('/home/**', '/home/ann/sub/notes.txt')).toBe(true);
    expect(matchGlob('/home/**', '/homes/x')).toBe(false);
    expect(matchGlob('*.txt', 'a/b.txt')).toBe(false);
    expect(matchGlob('**.txt', 'a/b.txt')).toBe(true);
  });

  it('`/**/` also matches a single slash', () => {
    expect(matchGlob('/a/**/b', '/a/b')).toBe(true);
    expect(matchGlob('/a/**/b', '/a/x/y/b')).toBe(true);
    expect(matchGlob('/a/**/b', '/a/xb')).toBe(false);
    expect(matchGlob('**/.ssh/**', '/home/ann/.ssh/id_rsa')).toBe(true);
    expect(matchGlob('**/.ssh/**', '/home/ann/.sshx/id_rsa')).toBe(false);
  });

  it('`?` is one character other than the separator', () => {
    expect(matchGlob('/tmp/?.log', '/tmp/a.log')).toBe(true);
    expect(matchGlob('/tmp/?.log', '/tmp/ab.log')).toBe(false);
    expect(matchGlob('/tmp?a', '/tmp/a')).toBe(false);
  });

  it('`{a,b}` are alternatives, also nested and holding wildcards', () => {
    expect(matchGlob('**/id_{rsa,dsa,ed25519}*', '/h/.ssh/id_ed25519.pub')).toBe(true);
    expect(matchGlob('**/id_{rsa,dsa,ed25519}*', '/h/.ssh/id_ecdsa')).toBe(false);
    expect(matchGlob('/x/{a,b{1,2}}', '/x/b2')).toBe(true);
    expect(matchGlob('/x/{a,b{1,2}}', '/x/b3')).toBe(false);
    expect(matchGlob('/x/{*.md,docs/**}', '/x/docs/a/b')).toBe(true);
    expect(matchGlob('/x/{*.md,docs/**}', '/x/a/b.md')).toBe(false);
  });

  it('takes regular-expression characters literally', () => {
    expect(matchGlob('/a.b', '/axb')).toBe(false);
    expect(matchGlob('/a+(b)$[c]|d^', '/a+(b)$[c]|d^')).toBe(true);
    expect(matchGlob('/a\\b', '/a\\b')).toBe(true);
    expect(matchGlob('/a}', '/a}')).toBe(true);
    expect(matchGlob('/a,b', '/a,b')).toBe(true);
  });

  it('matches the whole value, not a part of it', () => {
    expect(matchGlob('/etc', '/etc/passwd')).toBe(false);
    expect(matchGlob('etc/passwd', '/etc/passwd')).toBe(false);
  });
});

describe('matchGlob on domains (separator ".")', () => {
  it('`*` is one label, `**` any number of labels', () => {
    expect(matchGlob('*.example.com', 'api.example.com', '.')).toBe(true);
    expect(matchGlob('*.example.com', 'a.b.example.com', '.')).toBe(false);
    expect(matchGlob('*.example.com', 'example.com', '.')).toBe(false);
    expect(matchGlob('**.example.com', 'a.b.example.com', '.')).toBe(true);
    expect(matchGlob('*.example.com', 'evil-example.com', '.')).toBe(false);
    expect(matchGlob('api.example.com', 'apixexample.com', '.')).toBe(false);
  });

  it('keeps the compiled pattern of each separator apart', () => {
    expect(matchGlob('a*', 'a/b', '.')).toBe(true);
    expect(matchGlob('a*', 'a/b', '/')).toBe(false);
    expect(matchGlob('a*', 'a.b', '.')).toBe(false);
    expect(matchGlob('a*', 'a.b', '/')).toBe(true);
  });
});

describe('globToRegExp', () => {
  it('anchors the pattern', () => {
    expect(globToRegExp('/a/*').source.startsWith('^')).toBe(true);
    expect(globToRegExp('/a/*').test('x/a/b')).toBe(false);
  });
});
