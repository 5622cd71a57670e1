import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { FanOutState } from '../fanout/contract';

/**
 * Starts and stops the fan-out state machine's executions (lambda/fanout/contract.ts). The name
 * is the drill's (fanOutExecutionName), so a repeated start is idempotent: Step Functions answers
 * an open execution of the same name and input with the same ARN, and ExecutionAlreadyExists when
 * the input differs or the execution has closed (API reference, StartExecution) - then the drill's
 * execution exists already and its ARN is the state machine's with the name appended
 * (arn:aws:states:<region>:<account>:execution:<state machine>:<name>).
 */

export interface StartedExecution {
  readonly executionArn: string;
  /** ISO-8601; when the execution was started by an earlier call, the time of this one. */
  readonly startedAt: string;
  /** True when an execution of this name existed already (a retried start). */
  readonly existed: boolean;
}

export interface StepFunctionsPort {
  startExecution(stateMachineArn: string, name: string, input: FanOutState): Promise<StartedExecution>;
  /** Stops a running execution (a drill that gives up on it); one that has ended or never existed is left as it is. */
  stopExecution(executionArn: string, cause: string): Promise<void>;
}

/** The execution ARN of a STANDARD state machine's execution by name. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export function createStepFunctionsPort(client: SFNClient, now: () => number): StepFunctionsPort {
  return {
    async startExecution(stateMachineArn, name, input) {
      try {
        const output = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        return {
          executionArn: output.executionArn ?? executionArnOf(stateMachineArn, name),
          startedAt: (output.startDate ?? new Date(now())).toISOString(),
          existed: false,
        };
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        return { executionArn: executionArnOf(stateMachineArn, name), startedAt: new Date(now()).toISOString(), existed: true };
      }
    },

    async stopExecution(executionArn, cause) {
      try {
        // Cause: at most 32,768 characters (API reference, StopExecution).
        await client.send(new StopExecutionCommand({ executionArn, error: 'RestoreDrill.GaveUp', cause: cause.slice(0, 32_768) }));
      } catch (error) {
        if (!(error instanceof ExecutionDoesNotExist)) throw error;
      }
    },
  };
}
