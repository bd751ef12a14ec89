// node:process for the handler bundles, without the ESM facade of an `import` (lib/bundling/handler-bundling.ts).
module.exports = process.getBuiltinModule('node:process');
