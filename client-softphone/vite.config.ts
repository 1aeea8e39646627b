import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The softphone is built into client-softphone/dist, which the app serves at `/`
 * (src/client/client.module.ts). `npm run dev:client` proxies the API and the
 * sockets to an app running on :3000.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // public/ holds the placeholder page served when the client is not built; it is not an asset folder.
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // chart.js is loaded only with the reports page (dynamic import), the rest is one small bundle.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/health': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
