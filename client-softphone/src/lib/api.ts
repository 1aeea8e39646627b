/** REST calls to the same origin with the session's bearer token. Errors carry the server's `{statusCode, code, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

let token: string | null = null;
export const setApiToken = (value: string | null): void => {
  token = value;
};

export async function api<T>(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<T> {
  const headers: Record<string, string> = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
    throw new ApiError(response.status, problem?.code ?? null, problem?.message ?? response.statusText);
  }
  if (accept !== 'application/json') return (await response.text()) as T;
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** True for "this endpoint does not exist (yet)": panels bound to endpoints still being built degrade on it. */
export const isMissing = (error: unknown): boolean => error instanceof ApiError && (error.status === 404 || error.status === 501);
