import { reportTopics } from '../../../lambda/report/report-topics';

describe('reportTopics: every report to the report topic, a FAIL also to the failure topic', () => {
  const failureTopicArn = 'arn:aws:sns:eu-west-1:111122223333:restore-drill-failures';

  test('with a failure topic', () => {
    expect(reportTopics('FAIL', { failureTopicArn })).toEqual(['reports', 'failures']);
    expect(reportTopics('PASS', { failureTopicArn })).toEqual(['reports']);
  });

  test('without one', () => {
    expect(reportTopics('FAIL', {})).toEqual(['reports']);
    expect(reportTopics('FAIL', { failureTopicArn: '' })).toEqual(['reports']);
  });
});
