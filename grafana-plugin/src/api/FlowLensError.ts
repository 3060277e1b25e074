/** What went wrong talking to the agent, in the terms a person can act on. */
export type FlowLensErrorKind = 'unreachable' | 'unauthorized' | 'not_found' | 'bad_request' | 'server';

export class FlowLensError extends Error {
  override readonly name = 'FlowLensError';

  constructor(
    readonly kind: FlowLensErrorKind,
    /** HTTP status as Grafana reported it; 0 when the request never got an answer. */
    readonly status: number,
    /** The agent's own `error.message` (or Grafana's), shown beside the explanation. */
    readonly detail: string
  ) {
    super(`${kind} (HTTP ${status}): ${detail}`);
  }

  /** Classifies a Grafana `FetchError` (`{ status, statusText, data }`) or a thrown network error. */
  static from(raw: unknown): FlowLensError {
    if (raw instanceof FlowLensError) {
      return raw;
    }
    const err = (raw ?? {}) as { status?: unknown; statusText?: unknown; data?: unknown; message?: unknown };
    const status = typeof err.status === 'number' ? err.status : 0;
    return new FlowLensError(kindOf(status), status, detailOf(err));
  }
}

/** A 404: the thing asked for is unknown, or the agent is older than the endpoint. */
export function isNotFound(error: unknown): boolean {
  return error instanceof FlowLensError && error.kind === 'not_found';
}

function kindOf(status: number): FlowLensErrorKind {
  if (status <= 0 || status === 502 || status === 504) {
    return 'unreachable';
  }
  if (status === 401 || status === 403) {
    return 'unauthorized';
  }
  if (status === 404) {
    return 'not_found';
  }
  return status < 500 ? 'bad_request' : 'server';
}

function detailOf(err: { statusText?: unknown; data?: unknown; message?: unknown }): string {
  const data = err.data as { error?: { message?: unknown }; message?: unknown } | string | undefined;
  const candidates = [
    typeof data === 'object' ? data?.error?.message : undefined,
    typeof data === 'object' ? data?.message : undefined,
    typeof data === 'string' ? data : undefined,
    err.message,
    err.statusText,
  ];
  const found = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
  return found ?? 'no answer';
}
