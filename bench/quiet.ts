/**
 * Imported first by bench/run.ts: handlers' loggers and metrics read POWERTOOLS_* when their
 * module is evaluated, and some benchmarks import handler code (the seed's adapters)
 * statically, before run.ts's own statements run. Benchmarks print figures, not the handlers'
 * log lines and metric records (writing those would also be measured).
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
