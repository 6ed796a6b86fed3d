import { z } from '@hono/zod-openapi';

/** RFC 9457 problem details, the one error shape of the API. */
export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problemText: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing, unknown or revoked token',
  403: 'The token’s user or scope may not do this',
  404: 'No such resource in this shop',
  409: 'Conflicts with existing data',
  422: 'Invalid fields',
};

export function problemResponses(...statuses: Array<keyof typeof problemText>) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: problemText[status]!, content: { 'application/problem+json': { schema: problem } } },
    ]),
  );
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });
