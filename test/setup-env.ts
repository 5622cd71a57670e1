// Keep test output readable: the engine's structured logs are silent unless asked for.
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.DEBUG_LOGS ? 'DEBUG' : 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Node 20 here; the Lambda runs Node 24. The lockfile pins an SDK that supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
