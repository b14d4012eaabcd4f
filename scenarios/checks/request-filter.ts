import type { RequestLogEntry } from '../../worlds/index.js';
import { hostMatches } from '../../worlds/index.js';

/** Fields that select requests from the world's request log. */
export interface RequestFilter {
  method?: string;
  url?: string;
  url_pattern?: string;
  host?: string;
  hosts?: string[];
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

export function matchesRequest(entry: RequestLogEntry, filter: RequestFilter): boolean {
  if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.url !== undefined && entry.url !== filter.url) return false;
  if (filter.url_pattern !== undefined && !new RegExp(filter.url_pattern).test(entry.url)) return false;
  const hosts = [...(filter.host === undefined ? [] : [filter.host]), ...(filter.hosts ?? [])];
  if (hosts.length > 0) {
    const host = hostOf(entry.url);
    if (host === null || !hostMatches(host, hosts)) return false;
  }
  return true;
}

/** Describes a filter for messages: `POST https://api.example.com/x`. */
export function describeFilter(filter: RequestFilter): string {
  const parts = [filter.method?.toUpperCase() ?? 'any method'];
  if (filter.url !== undefined) parts.push(filter.url);
  if (filter.url_pattern !== undefined) parts.push(`/${filter.url_pattern}/`);
  const hosts = [...(filter.host === undefined ? [] : [filter.host]), ...(filter.hosts ?? [])];
  if (hosts.length > 0) parts.push(`to ${hosts.join(', ')}`);
  return parts.join(' ');
}
