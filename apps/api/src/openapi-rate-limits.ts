// Writes the rate limits into the OpenAPI document: the RateLimit-Policy and RateLimit response headers
// on every limited operation, and its 429 answer with Retry-After.
import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const HEADERS = {
  'RateLimit-Policy': {
    description: 'The quota policies of this operation (draft-ietf-httpapi-ratelimit-headers): a policy name with `q` requests per `w` seconds, e.g. `"credential";q=1200;w=60`.',
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'Where the caller stands in the policy that counted this request: `r` requests remaining, `t` seconds until the quota resets, e.g. `"credential";r=1187;t=42`.',
    schema: { type: 'string' },
  },
};

const POLICY_TEXT: Record<string, string> = {
  credential: 'per credential (a user, or an API key), `API_RATE_LIMIT_PER_MINUTE` a minute',
  address: 'per client address, `AUTH_RATE_LIMIT_PER_MINUTE` a minute',
  account: 'failed logins per account, 10 in 15 minutes',
};

const tooMany = (policies: string[]): ResponseObject => ({
  description: `Rate limited (${policies.map((p) => POLICY_TEXT[p]).join('; ')}); try again after \`Retry-After\` seconds.`,
  headers: {
    'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
    ...HEADERS,
  },
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer', enum: [429] }, detail: { type: 'string' } },
        required: ['type', 'title', 'status', 'detail'],
      },
    },
  },
});

/** Public operations get `security: []`; limited ones their headers and 429. */
export function documentRateLimits(doc: OpenAPIObject): void {
  for (const item of Object.values(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method] as (OperationObject & Record<string, unknown>) | undefined;
      if (!op) continue;
      const isPublic = op['x-public'] === true;
      delete op['x-public'];
      const declared = op['x-rate-limit-policies'];
      const policies = Array.isArray(declared) ? (declared as string[]) : isPublic ? [] : ['credential'];
      if (isPublic) op.security = [];
      if (!policies.length) continue;
      op['x-rate-limit-policies'] = policies;
      for (const res of Object.values(op.responses ?? {})) {
        const r = res as ResponseObject;
        if ('$ref' in r) continue;
        r.headers = { ...HEADERS, ...(r.headers ?? {}) };
      }
      op.responses = { ...op.responses, '429': tooMany(policies) };
    }
  }
}
