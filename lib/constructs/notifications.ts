import { CfnCondition, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions_ from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag-findings';
import { keepFormerLogicalIds } from './former-logical-ids';

export interface DrillNotificationsProps {
  /**
   * Email address subscribed to the reports and alarms (the recipient must confirm).
   * @default - no subscription
   */
  readonly email?: string;
  /**
   * The email gets only FAIL reports and alarms, through a failure topic.
   * @default false
   */
  readonly failuresOnly?: boolean;
  /**
   * Email and failures-only chosen at deploy time (the console template's parameters) instead of
   * `email` and `failuresOnly`: both topics exist, and conditions choose the one subscription.
   * The engine publishes FAIL reports to the failure topic either way; without failures-only
   * nobody subscribes to it (a Lambda environment value cannot be chosen by a condition without
   * an empty value or AWS::NoValue in a map, neither of which we could confirm Lambda takes).
   * @default - chosen at synth
   */
  readonly deployTime?: {
    /** The address, '' for none. */
    readonly email: string;
    readonly emailGiven: CfnCondition;
    readonly failuresOnly: CfnCondition;
  };
}

/**
 * Where drill reports and alarms go: a KMS-encrypted, TLS-only report topic, with
 * `failuresOnly` a failure topic too, and the email subscription. The data key also encrypts the
 * drill history; it is retained with it.
 */
export class DrillNotifications extends Construct {
  /** Customer-managed key of the topics and the drill-history table. */
  public readonly dataKey: kms.Key;
  /** Drill reports (message attributes `verdict`, `table`) and alarms. */
  public readonly reportTopic: sns.Topic;
  /** FAIL reports and alarms, present with `failuresOnly`: the email subscribes here, with no filter policy. */
  public readonly failureTopic?: sns.Topic;

  constructor(scope: Construct, id: string, props: DrillNotificationsProps = {}) {
    super(scope, id);
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'Encrypts restore-drill reports and drill history',
      enableKeyRotation: true,
      // The drill history is retained as audit evidence and stays readable only with this key.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch publishes alarm notifications to the encrypted topics: it needs the data key
    // (SNS developer guide, "compatibility with AWS services and encrypted topics").
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.reportTopic = new sns.Topic(this, 'ReportTopic', {
      displayName: 'Restore drill reports',
      masterKey: this.dataKey,
      enforceSSL: true,
    });
    allowAlarmNotifications(this.reportTopic);
    if ((props.email !== undefined && props.failuresOnly) || props.deployTime) {
      // Failures only, without a filter policy: the engine publishes each FAIL report here too,
      // and the alarms notify it. A filter on the `verdict` attribute is not relied on: the SNS
      // guide's message-attributes page says attributes are "sent only when the message
      // structure is String, not JSON" (reports are JSON-structured), and no filter policy
      // matches attribute-less alarm notifications ("Key matching"). The id predates the
      // reports: kept so an existing email subscription stays confirmed.
      this.failureTopic = new sns.Topic(this, 'AlarmTopic', {
        displayName: 'Restore drill failures',
        masterKey: this.dataKey,
        enforceSSL: true,
      });
      allowAlarmNotifications(this.failureTopic);
    }
    const subscriptions = props.deployTime
      ? this.subscribeAtDeployTime(props.deployTime)
      : props.email === undefined
        ? []
        : [(this.failureTopic ?? this.reportTopic).addSubscription(new subscriptions_.EmailSubscription(props.email))];
    keepFormerLogicalIds(this);

    for (const subscription of subscriptions) {
      // No SNS dead-letter queue for email: it would need its own CMK-encrypted queue whose key
      // policy admits SNS, and every report is kept in the drill-history table anyway.
      acknowledge(
        subscription,
        'Serverless-SNSRedrivePolicy',
        'Email endpoint: every report is also recorded in the drill-history table, so an undelivered email loses nothing.',
      );
    }
  }

  /**
   * The console template: one email subscription, to the failure topic or to the report topic,
   * each created only under its condition (an address given, failures-only chosen or not).
   */
  private subscribeAtDeployTime(deployTime: NonNullable<DrillNotificationsProps['deployTime']>): sns.Subscription[] {
    const subscribe = (topic: sns.Topic, id: string, failuresOnly: boolean) => {
      const subscription = new sns.Subscription(this, id, {
        topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: deployTime.email,
      });
      (subscription.node.defaultChild as sns.CfnSubscription).cfnOptions.condition = new CfnCondition(this, `${id}Chosen`, {
        expression: Fn.conditionAnd(
          deployTime.emailGiven,
          failuresOnly ? deployTime.failuresOnly : Fn.conditionNot(deployTime.failuresOnly),
        ),
      });
      return subscription;
    };
    return [subscribe(this.reportTopic, 'EmailToReports', false), subscribe(this.failureTopic as sns.Topic, 'EmailToFailures', true)];
  }
}

/**
 * The topic policy CDK writes (for enforceSSL) replaces SNS's default one; state explicitly that
 * CloudWatch alarms of this account may publish.
 */
function allowAlarmNotifications(topic: sns.Topic): void {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsOfThisAccountPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(topic).account } },
    }),
  );
}
