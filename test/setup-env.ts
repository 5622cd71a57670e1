// Keep test output readable: the engine's structured logs are silent unless asked for.
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.DEBUG_LOGS ? 'DEBUG' : 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
