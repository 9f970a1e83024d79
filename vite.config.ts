import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// pose-detection imports @mediapipe/pose for its mediapipe runtime; Parallax uses only the tfjs runtime,
// so the import is pointed at a module of our own that fails loudly if that runtime is ever asked for.
const mediapipeShim = fileURLToPath(new URL('./src/detection/mediapipe-shim.ts', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@mediapipe/pose': mediapipeShim } },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  worker: { format: 'es' },
});
