/**
 * Imported first by bench/run.ts: handlers' loggers and metrics read POWERTOOLS_* when their
 * module is evaluated, so these must be set before any benchmark module that imports handler
 * code statically is evaluated. Benchmarks print figures, not the handlers' log lines and
 * metric records (writing those would also be measured).
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
