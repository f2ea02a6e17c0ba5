// Builds the configured HTTP application; main.ts listens, tests use it directly.
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { assertJsonDepth, assertStorableInput, InvalidInput, problem, Problem, validationPipe } from '@app/common';
import { AppConfig } from '@app/config';
import { logRequest, requestIdOf } from '@app/core/observability/logging';
import { observeHttpRequest } from '@app/core/observability/metrics';
import { setHttpRoute } from '@app/core/observability/tracing';
import { AppModule } from './app.module';
import { documentRateLimits } from './openapi-rate-limits';
import { servePortal } from './portal';
import { registerSecurityHeaders } from './security-headers';

/** Largest request body accepted (413 above it). */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** JSON bodies: application/json and the structured-suffix types (application/merge-patch+json, …). */
const JSON_TYPES = ['application/json', /^application\/[\w.-]+\+json(?:\s*;|$)/i] as const;

/**
 * Fastify: measured against Express on this code base, the framework's own cost per request is a
 * fraction (see bench/results). Route parameters may be long (calendar feed tokens); `/path/` is `/path`.
 * A request's address is the peer's, or what X-Forwarded-For says when the peer is a trusted proxy (TRUST_PROXY).
 */
export function createHttpAdapter(config: Pick<AppConfig, 'trustProxy'> = { trustProxy: ['loopback'] }): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: requestIdOf,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // The router's and the HTTP parser's own refusals speak problem+json like every other error.
    frameworkErrors: (error: Error, _req: FastifyRequest, reply: FastifyReply) => {
      const body = frameworkProblem(error as Error & { statusCode?: number; code?: string });
      void reply.status(body.status).type('application/problem+json').send(JSON.stringify(body));
    },
    clientErrorHandler: (error, socket) => {
      const err = error as Error & { code?: string };
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const body =
        err.code === 'HPE_HEADER_OVERFLOW' ? problem(431, 'headers-too-large', 'The request line or headers are larger than this API accepts.')
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? problem(408, 'request-timeout', 'The request took too long to arrive.')
        : problem(400, 'malformed-request', 'The request is not valid HTTP.');
      const json = JSON.stringify(body);
      if (socket.writable) socket.write(`HTTP/1.1 ${body.status} ${body.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
      socket.destroy(err);
    },
  });
}

/** Errors the router raises before any route runs: a bad percent-escape (400), an over-long parameter (414). */
function frameworkProblem(err: Error & { statusCode?: number; code?: string }): Problem {
  if (err.statusCode === 414 || err.code === 'FST_ERR_ROUTE_PARAMS_TOO_LONG' || err.code === 'FST_ERR_MAX_PARAM_LENGTH') return problem(414, 'uri-too-long', 'A path parameter is longer than this API accepts.');
  if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_INVALID_URL') return problem(400, 'malformed-request', 'The request path is not a valid URL (a bad percent-escape?).');
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  return problem(status, status === 400 ? 'malformed-request' : `http-${status}`, 'The request could not be routed.');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function createApi(config: AppConfig = AppConfig.fromProcess()): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(config), { bufferLogs: true, bodyParser: false });
  await configureApi(app);
  return app;
}

/** Everything main.ts and the tests share: parsers, pipes, logging, metrics, OpenAPI, the portal. */
export async function configureApi(app: NestFastifyApplication): Promise<void> {
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(validationPipe());
  registerSecurityHeaders(app);
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: a body of any other type is 415 (Fastify's own answer once no parser matches it),
  // not silently ignored; an empty JSON body is no body. Prototype keys are refused (400). Bytes that
  // are not UTF-8 are refused, not stored as U+FFFD, and the nesting is bounded before parsing.
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  for (const type of JSON_TYPES) {
    fastify.addContentTypeParser(type, { parseAs: 'buffer' }, (req, raw, done) => {
      let text: string;
      try {
        text = utf8.decode(raw as Buffer);
        if (text === '') return done(null, undefined);
        assertJsonDepth(text);
      } catch (err) {
        return done(err instanceof InvalidInput ? err : new InvalidInput('The request body is not valid UTF-8.'), undefined);
      }
      parseJson(req, text, done);
    });
  }
  // A form body only where RFC 8058 sends one (a mail client's one-click unsubscribe: the body is
  // ignored); anywhere else it is refused as any other non-JSON body is.
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data']) {
    fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: 4096 }, (req, _raw, done) => {
      if (/^\/v1\/unsubscribe\/[^/?]+(\?|$)/.test(req.url)) return done(null, undefined);
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(type), undefined);
    });
  }
  // One check for every string a request carries: NUL and lone surrogates cannot be stored, so they
  // are a 400 naming the field here, not a 500 (or a silent U+FFFD) in the database.
  // Answered here, not thrown: a route registered before Nest's error handler (the portal's catch-all,
  // which over-long API paths fall into) would answer a thrown error with Fastify's plain JSON.
  fastify.addHook('preValidation', (req, reply, done) => {
    try {
      assertStorableInput({ params: req.params, query: req.query, body: req.body });
      done();
    } catch (err) {
      if (!(err instanceof InvalidInput)) return done(err as Error);
      const body = problem(err.status, err.code, err.message, err.errors);
      void reply.status(body.status).type('application/problem+json').send(JSON.stringify(body));
    }
  });
  // Every request carries these from the start: a stable object shape for the guard to fill in.
  fastify.decorateRequest('auth', undefined);
  // The request's id (see requestIdOf) goes back to the caller.
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('X-Request-Id', req.id);
    // The request's span is named by its route pattern, not its path (ids would make every name unique).
    setHttpRoute(req.routeOptions.url);
    done();
  });
  // A graceful stop closes the idle kept-alive connections; one whose response was still being made
  // is closed as soon as that response is out, or it would hold the stop open.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const ms = reply.elapsedTime;
    observeHttpRequest(req.method, req.routeOptions.url, reply.statusCode, ms / 1000);
    logRequest(req, reply.statusCode, ms);
    if (closing) req.raw.socket?.end();
    done();
  });
  await setupOpenApi(app);
  await servePortal(app);
}

async function setupOpenApi(app: INestApplication): Promise<void> {
  const document = await createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml', customSiteTitle: 'Coaching API reference' });
}

/** The OpenAPI document of the app's routes; works on an app created with `preview: true` (no database needed). */
export async function createOpenApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  try {
    // Generated by scripts/openapi-metadata.mjs at build time (not committed), hence the runtime require.
    const file = './openapi.metadata';
    const metadata = require(file) as { default: () => Promise<Record<string, unknown>> };
    await SwaggerModule.loadPluginMetadata(metadata.default);
  } catch {
    // Built without the plugin metadata (a bare unit run): the document still lists every route.
  }
  const config = new DocumentBuilder()
    .setTitle('Coaching practice platform API')
    .setVersion('1')
    .setDescription('REST API for coaching practices: clients, engagements, goals, sessions, reviews, notifications and webhooks.')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An access JWT or an API key (cpk_...)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.security = [{ bearer: [] }];
  documentRateLimits(document);
  return document;
}
