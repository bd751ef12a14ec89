import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { sfn } from './clients.ts';

/*
 * Step Functions as the services use it. The SDK's errors that a service acts on come back as
 * results, so no service imports the SDK; any other failure is thrown as it came.
 */

/** `already-exists`: an execution of that name exists, started with another input. */
export type StartResult = 'started' | 'already-exists';

/**
 * Starts a Standard execution named `name` with `input` (sent as JSON). Step Functions takes
 * the same name and input again as the same execution, so starting twice is harmless.
 */
export async function startExecution(
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<StartResult> {
  try {
    await sfn().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return 'started';
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return 'already-exists';
    throw error;
  }
}

/**
 * `gone`: the workflow no longer waits on the token: the task timed out, its execution ended,
 * or Step Functions does not know the token.
 */
export type TaskAnswerResult = 'delivered' | 'gone';

/** Answers the task a workflow waits on (`waitForTaskToken`) with `output` (sent as JSON). */
export async function sendTaskSuccess(taskToken: string, output: unknown): Promise<TaskAnswerResult> {
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return 'delivered';
  } catch (error) {
    if (isGone(error)) return 'gone';
    throw error;
  }
}

/** Step Functions no longer waits on the token: timed out, its execution ended, or unknown. */
const isGone = (error: unknown) =>
  error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken;

/**
 * Fails the task a workflow waits on with `error` (a Catch of the state takes it on): how a
 * complaint that ends early, or pauses, leaves its waiting step (domain/ending.ts, domain/pause.ts).
 */
export async function sendTaskFailure(
  taskToken: string,
  error: string,
  cause: string,
): Promise<TaskAnswerResult> {
  try {
    await sfn().send(new SendTaskFailureCommand({ taskToken, error, cause }));
    return 'delivered';
  } catch (failure) {
    if (isGone(failure)) return 'gone';
    throw failure;
  }
}
