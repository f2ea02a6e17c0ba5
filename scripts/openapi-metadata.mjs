// Runs the @nestjs/swagger plugin over the sources (swc cannot run TypeScript plugins) and writes
// apps/api/src/openapi.metadata.ts, which the API loads so DTO schemas come from the DTO classes.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { PluginMetadataGenerator } = require('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator');
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin');

new PluginMetadataGenerator().generate({
  visitors: [new ReadonlyVisitor({ introspectComments: true, pathToSource: `${process.cwd()}/apps/api/src`, classValidatorShim: true, dtoFileNameSuffix: ['.dto.ts'], controllerFileNameSuffix: ['.controller.ts'] })],
  outputDir: `${process.cwd()}/apps/api/src`,
  filename: 'openapi.metadata.ts',
  watch: false,
  tsconfigPath: 'tsconfig.json',
});
