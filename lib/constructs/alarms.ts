import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function.ts';

export interface AlarmsProps {
  /** Who is emailed when an alarm fires. @default - the topic has no subscriber */
  readonly email?: string;
  readonly stateMachine: IStateMachine;
  readonly functions: readonly HandlerFunction[];
  readonly deadLetterQueues: readonly IQueue[];
  readonly api: IHttpApi;
}

/**
 * What ops must hear about: a complaint's execution that failed or timed out, a function
 * erroring, an owner's message in a dead-letter queue, the staff API answering 5xx. Each alarm
 * fires on the first occurrence: at this volume, one failed complaint is one too many.
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
    const add = (alarmId: string, description: string, metric: IMetric) => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 1,
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
    this.alarms = alarms;
  }
}
