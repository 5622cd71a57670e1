import { ENV } from '../../../lambda/config';
import type { LocalAws } from '../local-aws';
import { type ExecutionStatusChangeEvent, matchesEventPattern } from '../events/step-functions-events';
import { type LocalStepFunctions, startLocalStepFunctions } from '../stepfunctions/local-step-functions';
import type { LambdaOutcome } from '../stepfunctions/run-definition';
import type { ResolutionContext } from './intrinsics';
import { type LocalInvocationOutcome, invokeLocally } from './local-lambda';
import { type SynthesizedApp, bundledFunction, resourcesOfType } from './synthesized-app';

/**
 * The stack's state machines on the local Step Functions endpoint, as deployed: each definition
 * is the template's DefinitionString with its references resolved (the synthesized definition,
 * not a copy), its Lambda tasks invoke the template's bundled functions in child processes (the
 * drill through the deployment, like any other invocation of it), and the template's EventBridge
 * rules on "Step Functions Execution Status Change" deliver the matching events to their target,
 * asynchronously, as EventBridge does.
 */

export interface LocalFanOutOptions {
  /**
   * The timeout of one invocation of a function other than the drill (the fan-out worker), by its
   * payload and how many times that payload was invoked before: a test makes a worker run short
   * of time. Undefined: the template's timeout.
   */
  readonly functionTimeoutMs?: (payload: unknown, attempt: number) => number | undefined;
  /** Retry intervals in ms instead of the definition's seconds. @default 50 */
  readonly retryIntervalMs?: number;
}

export interface LocalFanOut {
  readonly stepFunctions: LocalStepFunctions;
  /** AWS_ENDPOINT_URL_SFN, for the drill's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Every invocation of a function the state machines made, in order: its ARN, payload and outcome. */
  readonly invocations: readonly { readonly functionArn: string; readonly payload: unknown; outcome?: LocalInvocationOutcome }[];
  /** Status-change events a rule delivered to the drill. */
  readonly delivered: readonly ExecutionStatusChangeEvent[];
  /** Resolves when every execution has ended and every delivery has been handled. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface LocalFanOutWiring {
  readonly app: SynthesizedApp;
  readonly resolution: ResolutionContext;
  readonly local: LocalAws;
  readonly drillLogicalId: string;
  /** Invokes the drill as the deployment does (its resolved environment, the local endpoints). */
  readonly invokeDrill: (event: unknown) => Promise<LocalInvocationOutcome>;
  /** Environment the drill gets beyond the template's (forced settings): the worker gets it too. */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  readonly options?: LocalFanOutOptions;
}

/** Lambda's error for a function that ran out of time: "Sandbox.Timedout" (Step Functions developer guide, error handling). */
function lambdaOutcome(outcome: LocalInvocationOutcome): LambdaOutcome {
  if (!outcome.error) return { result: outcome.result };
  const errorType = outcome.error.name === 'TimeoutError' ? 'Sandbox.Timedout' : outcome.error.name || 'Error';
  return { error: { errorType, errorMessage: outcome.error.message } };
}

/** Starts the local Step Functions endpoint for the app's state machines; undefined when the template has none. */
export async function startLocalFanOut(wiring: LocalFanOutWiring): Promise<LocalFanOut | undefined> {
  const { app, resolution, local } = wiring;
  const machines = resourcesOfType(app, resolution, 'AWS::StepFunctions::StateMachine');
  if (machines.length === 0) return undefined;
  const functionIds = Object.entries(app.template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId]) => logicalId);
  const arnOf = (logicalId: string) => resolution.getAtt(logicalId, 'Arn');
  const drillArn = arnOf(wiring.drillLogicalId);
  const invocations: { functionArn: string; payload: unknown; outcome?: LocalInvocationOutcome }[] = [];
  const attempts = new Map<string, number>();
  const delivered: ExecutionStatusChangeEvent[] = [];
  const deliveries: Promise<unknown>[] = [];
  let closing = false;
  let sfnUrl = '';

  const invokeFunction = (functionArn: string, payload: unknown): Promise<LocalInvocationOutcome> | undefined => {
    if (functionArn === drillArn) return wiring.invokeDrill(payload);
    const logicalId = functionIds.find((id) => arnOf(id) === functionArn);
    if (!logicalId) return undefined;
    const bundle = bundledFunction(app, resolution, (id) => id === logicalId);
    const key = JSON.stringify(payload);
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    return invokeLocally({
      handlerFile: bundle.handlerFile,
      handlerName: bundle.handlerName,
      environment: { ...bundle.environment, ...local.env, ...wiring.functionEnvironment, AWS_ENDPOINT_URL_SFN: sfnUrl },
      event: payload,
      timeoutMs: wiring.options?.functionTimeoutMs?.(payload, attempt) ?? bundle.timeoutMs,
    });
  };

  const rules = resourcesOfType(app, resolution, 'AWS::Events::Rule').filter(({ properties }) =>
    (properties.EventPattern?.source as string[] | undefined)?.includes('aws.states'),
  );
  const deliver = (event: ExecutionStatusChangeEvent) => {
    if (closing) return;
    for (const { properties } of rules) {
      if (!matchesEventPattern(event, properties.EventPattern)) continue;
      for (const target of properties.Targets as { Arn: string }[]) {
        if (target.Arn !== drillArn) throw new Error(`a status-change rule targets ${target.Arn}, which the local harness does not run`);
        delivered.push(event);
        deliveries.push(wiring.invokeDrill(event));
      }
    }
  };

  const stepFunctions = await startLocalStepFunctions({
    accountId: resolution.accountId,
    region: resolution.region,
    stateMachines: machines.map(({ logicalId, properties }) => ({
      arn: resolution.ref(logicalId),
      definition: JSON.parse(properties.DefinitionString as string) as Record<string, unknown>,
      roleArn: properties.RoleArn as string,
    })),
    invoke: (functionArn, payload) => {
      const call: (typeof invocations)[number] = { functionArn, payload };
      invocations.push(call);
      return invokeFunction(functionArn, payload)?.then((outcome) => {
        call.outcome = outcome;
        return lambdaOutcome(outcome);
      });
    },
    onStatusChange: deliver,
    retryIntervalMs: wiring.options?.retryIntervalMs ?? 50,
  });
  sfnUrl = stepFunctions.url;

  return {
    stepFunctions,
    env: { AWS_ENDPOINT_URL_SFN: stepFunctions.url },
    invocations,
    delivered,
    settled: async () => {
      // A delivery may start another execution (a drill resumed): wait until nothing new starts.
      for (let seen = -1; seen !== deliveries.length + stepFunctions.executions().length; ) {
        seen = deliveries.length + stepFunctions.executions().length;
        await stepFunctions.settled();
        await Promise.allSettled(deliveries);
      }
    },
    close: async () => {
      closing = true;
      await stepFunctions.close();
      await Promise.allSettled(deliveries);
    },
  };
}

/** The drill function's logical ID: the one the stack's DrillFunctionName output names, else the one function with the drill's config. */
export function drillFunctionLogicalId(app: SynthesizedApp): string {
  const outputs = (app.template as unknown as { Outputs?: Record<string, { Value?: { Ref?: string } }> }).Outputs ?? {};
  const named = outputs.DrillFunctionName?.Value?.Ref;
  if (named) return named;
  const withConfig = Object.entries(app.template.Resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.[ENV.tables] !== undefined,
  );
  const drills = withConfig.filter(([, r]) => r.Properties?.Environment?.Variables?.FAN_OUT_STATE_MACHINE_ARN !== undefined);
  const [found] = drills.length > 0 ? drills : withConfig;
  if (!found) throw new Error('the template has no drill function');
  return found[0];
}
