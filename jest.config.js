// One jest run covers unit specs (next to the code) and end-to-end suites (test/), all compiled by swc.
const swc = JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'));
delete swc.$schema;
swc.jsc.baseUrl = __dirname;
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    // NestJS 12, uuid and content-disposition (of @fastify/static) ship ES modules only; jest on Node 20 cannot require them, so swc converts them.
    '^.+\\.m?js$': ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2023', parser: { syntax: 'ecmascript' } } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uuid|nestjs-pino|@fastify/static/node_modules/content-disposition|content-disposition)/)'],
  moduleNameMapper: {
    '^@app/(config|database|common|core)$': '<rootDir>/libs/$1/src',
    '^@app/(config|database|common|core)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
