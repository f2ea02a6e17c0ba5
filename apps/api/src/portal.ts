// Serves the built portal (apps/portal/dist) at `/`, with the single-page app's index.html for any
// other page address; API, health, metrics and documentation paths are never answered with it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { static as serveStatic } from 'express';
import type { NextFunction, Request, Response } from 'express';

const API_PREFIXES = ['/v1', '/health', '/metrics', '/openapi', '/docs'];

export const isApiPath = (path: string): boolean => API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}.`));

/** apps/portal/dist from the sources (tests) or from the compiled dist/apps/api/src. */
export function portalDir(): string | null {
  const candidates = [join(__dirname, '..', '..', 'portal', 'dist'), join(__dirname, '..', '..', '..', '..', 'apps', 'portal', 'dist')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? null;
}

export function servePortal(app: NestExpressApplication): void {
  const dir = portalDir();
  // Not built (a bare API run): the API works alone and `/` is a 404 like any unknown path.
  if (!dir) return;
  const index = join(dir, 'index.html');
  const assets = join(dir, 'assets');
  const revalidate = (res: { setHeader(name: string, value: string): unknown }) => res.setHeader('Cache-Control', 'no-cache');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (isApiPath(req.path)) return next();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  const files = serveStatic(dir, {
    index: false,
    // File names under assets/ carry a content hash: they never change.
    setHeaders: (res, path) => (path.startsWith(assets) ? res.setHeader('Cache-Control', 'public, max-age=31536000, immutable') : revalidate(res)),
  });
  // API requests never reach the file system (serving static files stats the path of every request it sees).
  app.use((req: Request, res: Response, next: NextFunction) => (isApiPath(req.path) ? next() : files(req, res, next)));
  // Page addresses (/, /goals/…, /accept?token=…) all load the app, which routes in the browser.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path) || req.path.startsWith('/assets/')) return next();
    if (!req.accepts('html')) return next();
    revalidate(res);
    res.sendFile(index);
  });
}
