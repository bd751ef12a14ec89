import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WORKFLOW_ERROR_METRIC } from '#config/workflow.ts';
import type { HandlerFunction } from './handler-function.ts';

/** Where the handlers' Powertools metrics go (lambdas/commons/powertools.ts defaults). */
export const METRICS_NAMESPACE = 'Complaints';
export const METRICS_SERVICE = 'complaints';

export interface AlarmsProps {
  /** Who is emailed when an alarm fires. @default - the topic has no subscriber */
  readonly email?: string;
  readonly stateMachine: IStateMachine;
  readonly functions: readonly HandlerFunction[];
  readonly deadLetterQueues: readonly IQueue[];
  readonly api: IHttpApi;
  /**
   * Whether SES sends from this stack's region, so its bounce rate is watched here. Not where
   * mail goes out through the company's relay, or through SES in a split deployment's intake
   * region (whose stack watches it: lib/intake-region-stack.ts). @default true
   */
  readonly sesSendsHere?: boolean;
  /** Alarms made elsewhere (the mailbox poller's) that notify the same topic. @default - none */
  readonly moreAlarms?: readonly Alarm[];
}

/**
 * What ops must hear about: a complaint's execution that failed or timed out, a function
 * erroring, an owner's message in a dead-letter queue, the staff API answering 5xx, an
 * escalation overdue at the manager, SES bounces. Each alarm fires on the first occurrence:
 * at this volume, one failed complaint is one too many. docs/operations.md says what to do
 * for each.
 */
export class Alarms extends Construct {
  public readonly topic: Topic;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    // Alarm notifications carry alarm names and metric values only, no personal data.
    this.topic = new Topic(this, 'Topic', { displayName: 'Complaint workflow alarms', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));

    const alarms: Alarm[] = [];
    const add = (alarmId: string, description: string, metric: IMetric, threshold = 1) => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarms.push(alarm);
    };
    const period = Duration.minutes(5);

    add(
      'ExecutionsFailed',
      'A complaint workflow execution failed: see its audit trail and execution history',
      props.stateMachine.metricFailed({ period, statistic: 'Sum' }),
    );
    add(
      'ExecutionsTimedOut',
      'A complaint workflow execution timed out',
      props.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
    );
    for (const handler of props.functions) {
      add(
        `${handler.node.id}Errors`,
        `Function ${handler.spec.id} returned errors`,
        handler.function.metricErrors({ period, statistic: 'Sum' }),
      );
    }
    props.deadLetterQueues.forEach((queue, index) => {
      add(
        `DeadLetters${index === 0 ? '' : index + 1}`,
        'An event failed every attempt and waits in a dead-letter queue: replay it once the cause is fixed',
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      );
    });
    add(
      'ApiServerErrors',
      'The staff API answered 5xx',
      props.api.metricServerError({ period, statistic: 'Sum' }),
    );
    // Emitted by the deadline function (Powertools EMF) each time the manager's task times out.
    add(
      'ManagerEscalationOverdue',
      'A complaint escalated to the manager is overdue: the manager has been reminded and has not acted',
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'ManagerReminded',
        dimensionsMap: { service: METRICS_SERVICE },
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
    );
    // Emitted by create-task (Powertools EMF) when a step failed after its retries and its
    // Resolve workflow error task opened for customer service: the complaint waits on a person.
    add(
      'WorkflowErrorToResolve',
      'A workflow step failed after its retries: a Resolve workflow error task waits on customer service',
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: WORKFLOW_ERROR_METRIC,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic: 'Sum',
        period,
      }),
    );
    for (const alarm of props.moreAlarms ?? []) {
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarms.push(alarm);
    }
    // SES reviews an account at a 5% bounce rate and may pause sending at 10%.
    if (props.sesSendsHere ?? true) sesBounceRateAlarm(add);
    this.alarms = alarms;
  }
}

/** SES's bounce rate over 5%, for the stack in whose region SES sends. */
export function sesBounceRateAlarm(
  add: (alarmId: string, description: string, metric: IMetric, threshold?: number) => void,
): void {
  add(
    'SesBounceRate',
    'The SES bounce rate passed 5%: owners or staff addresses are bouncing; sending may be paused at 10%',
    new Metric({
      namespace: 'AWS/SES',
      metricName: 'Reputation.BounceRate',
      statistic: 'Maximum',
      period: Duration.hours(1),
    }),
    0.05,
  );
}
