// The portal's build: `vite build --config apps/portal/vite.config.ts` from the repository root.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: `${root}dist`, emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  // `vite dev` talks to a locally running API.
  server: { proxy: { '/v1': 'http://localhost:3000', '/openapi.json': 'http://localhost:3000' } },
});
