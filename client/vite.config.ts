import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = new URL('.', import.meta.url).pathname;
// `npm run dev` runs the API server on PORT (3000 by default); the dev server proxies to it.
const api = `http://localhost:${process.env.PORT ?? '3000'}`;

export default defineConfig({
  root: here,
  plugins: [svelte()],
  // No source maps in the build: the server serves dist/ publicly, and a map would publish
  // the client's whole source (the server refuses *.map requests as well). `npm run dev`
  // has Vite's own maps.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      '/api': api,
      '/health': api,
      '/socket.io': { target: api, ws: true },
      '/yjs': { target: api.replace(/^http/, 'ws'), ws: true },
    },
  },
});
