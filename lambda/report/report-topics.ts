import type { DrillConfig } from '../config';
import type { ReportTopic, Verdict } from '../domain/drill-record';

/**
 * The topics a drill's report goes to, in the order it is sent: every report to the report topic,
 * and a FAIL also to the failure topic when the stack has one (`notifyFailuresOnly`). Subscribers
 * who want only failures subscribe there, unfiltered: the SNS guide's message-attributes page says
 * attributes are "sent only when the message structure is String, not JSON", and reports are
 * published with MessageStructure json (an email body and a JSON document), so a filter policy on
 * the `verdict` attribute is not something to stake the failure emails on.
 */
export function reportTopics(verdict: Verdict, config: Pick<DrillConfig, 'failureTopicArn'>): ReportTopic[] {
  return verdict === 'FAIL' && config.failureTopicArn ? ['reports', 'failures'] : ['reports'];
}
