import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Created once per Lambda environment, as Powertools recommends. Service name and metrics
 * namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE set by the
 * construct; the fallbacks keep local runs and tests readable.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'restore-drill' });

export const metrics = new Metrics({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'restore-drill',
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'RestoreDrill',
});

export type DrillLogger = Logger;
