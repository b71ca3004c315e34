import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = new URL('.', import.meta.url).pathname;
// `npm run dev` runs the API server on PORT (3000 by default); the dev server proxies to it.
const api = `http://localhost:${process.env.PORT ?? '3000'}`;

export default defineConfig({
  root: here,
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': api,
      '/health': api,
      '/socket.io': { target: api, ws: true },
      '/yjs': { target: api.replace(/^http/, 'ws'), ws: true },
    },
  },
});
