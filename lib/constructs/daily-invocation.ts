import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function.ts';

/**
 * A job run once a day by EventBridge Scheduler (retention, the triage retraining): a role that
 * may invoke only that function and dead-letter only to its queue, and the schedule at `time`
 * (HH:MM) in `timeZone`, retried for six hours before its event goes to the queue. Made in the
 * caller's scope (ids `SchedulerRole` and `Daily`), so each job's template stays its own.
 */
export function dailyInvocation(
  scope: Construct,
  props: {
    readonly handler: HandlerFunction;
    readonly deadLetterQueue: Queue;
    readonly time: string;
    readonly timeZone: string;
    /** What the job does, for the schedule's description (Latin-1). */
    readonly description: string;
    /** The function's name in the role's description, e.g. "the retention function". */
    readonly invokes: string;
  },
): { role: Role; schedule: CfnSchedule } {
  const [hour, minute] = props.time.split(':').map(Number) as [number, number];
  const role = new Role(scope, 'SchedulerRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: `EventBridge Scheduler: invokes ${props.invokes}, and dead-letters what it cannot deliver`,
  });
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [props.handler.function.functionArn],
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
  );
  const schedule = new CfnSchedule(scope, 'Daily', {
    description: props.description,
    scheduleExpression: `cron(${minute} ${hour} * * ? *)`,
    scheduleExpressionTimezone: props.timeZone,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: props.handler.function.functionArn,
      roleArn: role.roleArn,
      input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 6 * 3600 },
      deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
    },
  });
  return { role, schedule };
}
