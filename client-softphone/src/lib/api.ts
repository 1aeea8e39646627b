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

/**
 * Downloads a protected file (bearer token, so not a plain link): fetched as a
 * blob, then saved under `filename` through a temporary `<a download>`. The
 * server sends it as `application/octet-stream`, so nothing from outside is
 * ever rendered in the app's origin.
 */
export async function download(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
    throw new ApiError(response.status, problem?.code ?? null, problem?.message ?? response.statusText);
  }
  saveBlob(await response.blob(), filename);
}

/**
 * Saves a blob as a file through a temporary `<a download>` on a blob URL.
 * The URL is revoked a minute later, not at once: revoking right after
 * click() can cancel the download before the browser has read the blob.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
