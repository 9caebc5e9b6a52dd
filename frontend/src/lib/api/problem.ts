import type { components } from "@/lib/api/schema";

export type Problem = components["schemas"]["Problem"];

/** An API answer that is not a success, with the words to show: the problem's `detail`. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Partial<Problem> | undefined;

  constructor(status: number, problem: Partial<Problem> | undefined, fallback: string) {
    super(problem?.detail ?? fallback);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  /** Offline, or the server failed: worth a "Try again". */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

function asProblem(body: unknown): Partial<Problem> | undefined {
  if (body && typeof body === "object" && "detail" in body) return body as Partial<Problem>;
  return undefined;
}

export function describeStatus(status: number): string {
  if (status === 0) return "You appear to be offline, or the shop cannot be reached.";
  if (status === 401) return "Please sign in again: your session has ended.";
  if (status === 403) return "Your account is not allowed to do this.";
  if (status === 404) return "This could not be found.";
  if (status === 503) return "The shop is busy or starting up; please try again in a moment.";
  if (status >= 500) return "The shop had a problem answering; please try again.";
  return `The request failed (HTTP ${status}).`;
}

/** The data of an openapi-fetch result, or an ApiError carrying the problem's words. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const status = result.response.status;
    throw new ApiError(status, asProblem(result.error), describeStatus(status));
  }
  return result.data as T;
}

/** A fetch that failed before any answer (offline, DNS, CORS) as an ApiError with status 0. */
export function networkError(cause: unknown): ApiError {
  const error = new ApiError(0, undefined, describeStatus(0));
  error.cause = cause;
  return error;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
