import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompressPlugin } from './scripts/compress.js';

// `npm run console:dev` serves the console with hot reload on :5173 and forwards the API to a running
// `npm start` (CONVERSE_DEV_API, default http://127.0.0.1:8080).
const api = process.env.CONVERSE_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompressPlugin()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: { port: 5173, proxy: { '/api': { target: api, changeOrigin: false }, '/ws': { target: api, ws: true } } },
});
