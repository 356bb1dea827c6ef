/** Types of the HTTP layer shared by Keystone, Nova and Cinder calls. */

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'POST' | 'PATCH';

export type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string | number>;
export type Query = Record<string, QueryValue>;

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  query?: Query;
  headers?: Record<string, string>;
  /** Serialized as JSON unless it is a string. */
  body?: unknown;
  signal?: AbortSignal;
  /** Per-attempt timeout; defaults to the client's. */
  timeoutMs?: number;
  /** Set false to forbid retries of a GET/HEAD/PUT/DELETE. POST/PATCH are never retried. */
  idempotent?: boolean;
  /** Statuses accepted besides 2xx (e.g. 300 for version discovery). */
  acceptStatus?: readonly number[];
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  url: string;
  requestId?: string;
}

/** One attempt, as given to the `onRequest` debug hook; secrets are already redacted. */
export interface RequestLogEntry {
  method: string;
  url: string;
  attempt: number;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: unknown;
  requestId?: string;
  durationMs: number;
  errorCode?: string;
}

export type RequestLogHook = (entry: RequestLogEntry) => void;

export interface HttpClientOptions {
  /** PEM file with the CA bundle that signs the endpoints' certificates. */
  cacert?: string;
  /** Skip TLS verification (explicit opt-in only). */
  insecure?: boolean;
  /** Per-attempt timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt for idempotent methods (default 2). */
  retries?: number;
  /** First backoff delay in ms, doubled each retry (default 200). */
  retryDelayMs?: number;
  onRequest?: RequestLogHook;
  /** Strings (tokens, passwords) scrubbed from any error message or detail. */
  secrets?: () => Iterable<string | undefined>;
  userAgent?: string;
}

export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  close(): Promise<void>;
}
