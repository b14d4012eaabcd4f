/**
 * Path and domain globs: `**` any characters including `/`, `*` any except `/` (or `.` for
 * domains), `?` one character, `{a,b}` alternatives. Everything else is literal.
 */
export function globToRegExp(glob: string, separator = '/'): RegExp {
  const sep = separator === '/' ? '\\/' : '\\.';
  let out = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // "/**/" also matches "/" so that "a/**/b" matches "a/b".
        if (glob[i + 2] === separator) {
          out += `(?:.*${sep})?`;
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += `[^${sep}]*`;
    } else if (c === '?') out += `[^${sep}]`;
    else if (c === '{') {
      depth += 1;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth -= 1;
      out += ')';
    } else if (c === ',' && depth > 0) out += '|';
    else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

const cache = new Map<string, RegExp>();

export function matchGlob(glob: string, value: string, separator = '/'): boolean {
  const key = `${separator}${glob}`;
  let re = cache.get(key);
  if (!re) {
    re = globToRegExp(glob, separator);
    cache.set(key, re);
  }
  return re.test(value);
}
