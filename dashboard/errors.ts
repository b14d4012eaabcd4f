/** Errors of the dashboard: each with a stable code, the HTTP status the API answers with, and a fix. */
export class DashboardError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status of the API answer. */
    readonly status: 400 | 401 | 403 | 404 | 409 | 500 | 503 = 400,
  ) {
    super(message);
    this.name = 'DashboardError';
  }
}
