/**
 * Approximate bytes a decoded value occupies in the kernel: string characters, binary bytes,
 * 8 per number, plus a small overhead per array, map and key. Iterative (no recursion), so any
 * shape is safe to measure; used for quotas, not for exact accounting.
 */
export function sizeOf(value: unknown): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') total += 16 + v.length;
    else if (typeof v === 'number' || typeof v === 'bigint') total += 8;
    else if (v === null || v === undefined || typeof v === 'boolean') total += 4;
    else if (ArrayBuffer.isView(v)) total += 32 + v.byteLength;
    else if (Array.isArray(v)) {
      total += 16 + 8 * v.length;
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object') {
      total += 16;
      for (const key of Object.keys(v)) {
        total += 24 + key.length;
        stack.push((v as Record<string, unknown>)[key]);
      }
    } else total += 8;
  }
  return total;
}
