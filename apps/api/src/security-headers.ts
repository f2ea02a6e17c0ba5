// Security headers on everything the API serves (API answers, the portal, the reference at /docs).
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * What the portal needs and nothing more: its own scripts, styles, images and API; no inline code
 * (React sets style properties through the DOM, which style-src does not govern), no framing.
 */
export const PORTAL_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

// Swagger UI's page carries an inline <style> and style attributes, and data: images in its CSS.
const DOCS_CSP = Object.entries({ ...PORTAL_CSP, 'style-src': ["'self'", "'unsafe-inline'"] })
  .map(([k, v]) => `${k} ${v.join(' ')}`)
  .join('; ');

/**
 * The headers helmet sets with our options, worked out once: helmet's middleware, run against a response
 * that only records them. (@fastify/helmet built a new helmet middleware on every request, a seventh of a
 * calendar read's CPU time; these values never change while the process runs.)
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name];
    },
  };
  helmet({
    // No upgrade-insecure-requests: TLS ends at the proxy in front, and a plain-HTTP development copy must still load.
    contentSecurityPolicy: { useDefaults: false, directives: PORTAL_CSP },
    referrerPolicy: { policy: 'no-referrer' },
    // For browsers that predate frame-ancestors.
    xFrameOptions: { action: 'deny' },
    // A calendar feed and the API are read by other sites' servers, never embedded by their pages.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  })({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

export function registerSecurityHeaders(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const headers = securityHeaders();
  const docs = { ...headers, 'Content-Security-Policy': DOCS_CSP };
  fastify.addHook('onRequest', (req, reply, done) => {
    const path = req.url;
    const onDocs = path.startsWith('/docs') && (path.length === 5 || path[5] === '/' || path[5] === '?');
    reply.headers(onDocs ? docs : headers);
    done();
  });
}
