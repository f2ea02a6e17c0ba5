// Writes dist/openapi.json from the compiled API without a database or Redis: the app is created in
// preview mode (modules scanned, no provider instantiated), exactly the document GET /openapi.json serves.
// Two DTOs with one name would silently replace each other in the document (and in the portal's
// generated types), so that warning fails the build.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { AppModule } = require('../dist/apps/api/src/app.module');
const { createOpenApiDocument, createHttpAdapter } = require('../dist/apps/api/src/bootstrap');

const out = process.argv[2] ?? 'dist/openapi.json';
const problems = [];
const quiet = () => undefined;
const logger = { log: quiet, debug: quiet, verbose: quiet, fatal: quiet, error: (m) => problems.push(String(m)), warn: (m) => /Duplicate DTO/.test(String(m)) && problems.push(String(m)) };
const app = await NestFactory.create(AppModule, createHttpAdapter(), { preview: true, logger, abortOnError: false });
const document = await createOpenApiDocument(app);
await app.close();
if (problems.length) {
  console.error(`The OpenAPI document is not sound:\n${problems.join('\n')}`);
  process.exit(1);
}
writeFileSync(out, JSON.stringify(document, null, 2) + '\n');
