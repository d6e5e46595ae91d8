import { z } from 'zod';

/** Every failed call answers with this shape, whatever the transport: the renderer shows `message` as is. */
export const ApiErrorCode = z.enum(['invalid_input', 'not_found', 'conflict', 'no_project', 'unauthorized', 'forbidden', 'internal']);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorBody = z.object({
  code: ApiErrorCode,
  message: z.string(),
  /** For invalid_input: which field failed and why. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

/** Result envelope used by both transports so a thrown error never crosses as an opaque exception. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/** The envelope as a schema, for a client that reads it off the wire (browser mode's fetch) instead of casting it. */
export const ApiResultEnvelope = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: ApiErrorBody })]);
