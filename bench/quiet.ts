/**
 * Imported first by bench/run.ts: handlers' loggers read POWERTOOLS_LOG_LEVEL when their module
 * is evaluated, and some benchmarks import handler code (the seed's adapters) statically, before
 * run.ts's own statements run. Benchmarks print figures, not the handlers' log lines.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
