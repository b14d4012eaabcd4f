/**
 * Who may use the dashboard: whoever shows the kernel's operator token once (`?token=` on the first
 * URL, the login form, or `Authorization: Bearer` for scripts). A browser then holds a random
 * session id in an HttpOnly, SameSite=Strict cookie — never the token itself. Requests must name
 * this server as their Host (no DNS rebinding), and changes must come from its own Origin (no
 * cross-site requests); no CORS header is ever sent.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { DashboardError } from './errors.js';

export const SESSION_COOKIE = 'clove_dashboard';

export interface SessionsOptions {
  /** The operator tokens accepted now (read afresh on each login: a restarted kernel has a new one). */
  tokens: () => Array<string | undefined>;
  /** Host names this server answers to besides loopback ones (the address it is bound to). */
  hosts?: string[];
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Sessions {
  readonly #ids = new Set<string>();
  readonly #options: SessionsOptions;
  #port = 0;

  constructor(options: SessionsOptions) {
    this.#options = options;
  }

  /** The port the server listens on (known once it listens): Host and Origin must carry it. */
  set port(port: number) {
    this.#port = port;
  }

  /** True when `given` is an operator token of the kernel. */
  isOperatorToken(given: string | undefined | null): boolean {
    if (!given) return false;
    return this.#options.tokens().some((t) => t !== undefined && same(given, t));
  }

  /** Starts a session for this browser: a new random id in the cookie. */
  open(c: Context): void {
    const id = randomBytes(32).toString('hex');
    this.#ids.add(id);
    setCookie(c, SESSION_COOKIE, id, { httpOnly: true, sameSite: 'Strict', path: '/' });
  }

  close(c: Context): void {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) this.#ids.delete(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
  }

  hasSession(c: Context): boolean {
    const id = getCookie(c, SESSION_COOKIE);
    return id !== undefined && this.#ids.has(id);
  }

  #bearer(c: Context): boolean {
    const header = c.req.header('authorization');
    return header !== undefined && /^Bearer /i.test(header) && this.isOperatorToken(header.slice(7).trim());
  }

  #allowedHost(host: string | undefined): boolean {
    if (!host) return false;
    const names = ['127.0.0.1', 'localhost', '[::1]', ...(this.#options.hosts ?? [])];
    return names.some((name) => host === `${name}:${this.#port}`);
  }

  /** Refuses requests addressed to another host name (DNS rebinding): every route. */
  readonly hostCheck: MiddlewareHandler = async (c, next) => {
    if (!this.#allowedHost(c.req.header('host'))) {
      throw new DashboardError('DASHBOARD_HOST_REFUSED', `the dashboard answers only to 127.0.0.1:${this.#port} or localhost:${this.#port}, not to Host ${JSON.stringify(c.req.header('host') ?? '')}`, 403);
    }
    await next();
  };

  /**
   * API and stream routes: a session cookie or the bearer token, else 401; a change (any method but
   * GET/HEAD) with an Origin other than this server's, else 403.
   */
  readonly guard: MiddlewareHandler = async (c, next) => {
    const bearer = this.#bearer(c);
    if (!bearer && !this.hasSession(c)) {
      throw new DashboardError('DASHBOARD_UNAUTHORIZED', 'this dashboard needs the operator token: open the URL `clove dashboard` printed (it carries ?token=), or sign in with the token from the kernel state directory (operator.token)', 401);
    }
    this.checkOrigin(c, bearer);
    await next();
  };

  /** Changes from a browser must come from this server's own pages. */
  checkOrigin(c: Context, bearer = false): void {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
    const origin = c.req.header('origin');
    if (origin === undefined && bearer) return;
    const host = c.req.header('host');
    if (origin !== `http://${host}`) {
      throw new DashboardError('DASHBOARD_ORIGIN_REFUSED', `a change from origin ${JSON.stringify(origin ?? null)} is refused: only pages of http://${host} may change anything`, 403);
    }
  }
}
