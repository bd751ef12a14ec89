import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The staff web app and owner pages (web/). Preact through the automatic JSX runtime; the
 * build goes to web/dist, which the local stack serves and CDK deploys to S3 + CloudFront.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline polyfill: the pages run under a CSP without 'unsafe-inline'.
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
});
