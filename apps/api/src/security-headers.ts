// Security headers on everything the API serves (API answers, the portal, the reference at /docs).
import fastifyHelmet from '@fastify/helmet';
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

export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyHelmet, {
    global: true,
    // No upgrade-insecure-requests: TLS ends at the proxy in front, and a plain-HTTP development copy must still load.
    contentSecurityPolicy: { useDefaults: false, directives: PORTAL_CSP },
    referrerPolicy: { policy: 'no-referrer' },
    // For browsers that predate frame-ancestors.
    xFrameOptions: { action: 'deny' },
    // A calendar feed and the API are read by other sites' servers, never embedded by their pages.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  fastify.addHook('onRequest', (req, reply, done) => {
    const path = req.url.split('?')[0];
    if (path === '/docs' || path.startsWith('/docs/')) reply.raw.setHeader('Content-Security-Policy', DOCS_CSP);
    done();
  });
}
