import { defineConfig } from 'vite';

// The web front end is served by the app from web/dist; in development, Vite proxies /graphql.
export default defineConfig({
  root: 'web',
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2048 },
  server: { proxy: { '/graphql': 'http://127.0.0.1:4000' } },
});
