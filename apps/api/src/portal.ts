// Serves the built portal (apps/portal/dist) at `/`, with the single-page app's index.html for any
// other page address; API, health, metrics and documentation paths are never answered with it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

const API_PREFIXES = ['/v1', '/health', '/metrics', '/openapi', '/docs'];

export const isApiPath = (path: string): boolean => API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}.`));

/** apps/portal/dist from the sources (tests) or from the compiled dist/apps/api/src. */
export function portalDir(): string | null {
  const candidates = [join(__dirname, '..', '..', 'portal', 'dist'), join(__dirname, '..', '..', '..', '..', 'apps', 'portal', 'dist')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? null;
}

/** As Express's req.accepts('html'): no Accept header, or one that takes HTML or anything. */
const acceptsHtml = (accept: string | undefined) => !accept || /(?:^|[\s,])(?:text\/html|text\/\*|\*\/\*)(?:\s*[;,]|\s*$)/i.test(accept);

const pageHeaders = (reply: FastifyReply) => reply.header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'same-origin');

export async function servePortal(app: NestFastifyApplication): Promise<void> {
  const dir = portalDir();
  // Not built (a bare API run): the API works alone and `/` is a 404 like any unknown path.
  if (!dir) return;
  const fastify = app.getHttpAdapter().getInstance();
  // File names under assets/ carry a content hash: they never change.
  await fastify.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    index: false,
    immutable: true,
    maxAge: '365d',
    setHeaders: (res) => pageHeaders(res),
  });
  // The few other files at the top (favicon.svg, …), read once: the build does not change under a running API.
  const topFiles = new Set(readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && e.name !== 'index.html').map((e) => e.name));
  // Page addresses (/, /goals/…, /accept?token=…) all load the app, which routes in the browser. Only
  // paths no API route matched get here (Fastify prefers any other route to a wildcard).
  const page = (req: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const path = req.url.split('?')[0];
    if (isApiPath(path) || path.startsWith('/assets/')) return reply.callNotFound();
    const file = req.params['*'];
    pageHeaders(reply).header('Cache-Control', 'no-cache');
    if (topFiles.has(file)) return reply.sendFile(file, dir);
    if (!acceptsHtml(req.headers.accept)) return reply.callNotFound();
    return reply.sendFile('index.html', dir);
  };
  // The wildcard matches `/` too.
  fastify.get('/*', page);
}
