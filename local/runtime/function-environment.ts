import { AsyncLocalStorage } from 'node:async_hooks';
import { environmentFrom, isFunctionVariable, type VariableValues } from '#config/function-access.ts';
import { FUNCTION_SPECS, type FunctionSpec } from '#config/functions.ts';

/**
 * Each local function sees its own variables, and only those, as it would in its own Lambda
 * container. The API's handlers share one process (and the workflow's one thread), so a
 * function's variables cannot live in process.env: the local runtime runs every invocation,
 * and the import of every handler module, inside an AsyncLocalStorage scope holding its
 * function's variables, and lambdas/commons/environment.ts reads them from that scope through
 * a hook this module installs on globalThis. On AWS no hook is installed and process.env is
 * read. What Lambda's runtime itself provides (region, endpoints, credentials, Powertools'
 * switches) stays in process.env, shared, as it is the same for every function.
 */

/** A function's variables by name, as they cross to the workflow's thread. */
export type VariableEntries = readonly (readonly [string, string])[];

/** The key lambdas/commons/environment.ts looks the hook up by (a registered symbol: one per process). */
const HOOK = Symbol.for('complaints.function-environment');

/** What one invocation reads its variables from. */
export class FunctionEnvironment {
  readonly #own: Map<string, string>;

  constructor(entries: VariableEntries) {
    this.#own = new Map(entries);
  }

  /**
   * The function's own value of `name`; none for a function variable it was not given (as on
   * Lambda, where no other function's variables exist); the shared runtime's for the rest.
   */
  get(name: string): string | undefined {
    const own = this.#own.get(name);
    if (own !== undefined || isFunctionVariable(name)) return own;
    return process.env[name];
  }

  /** Changes a variable the function was given (the app's URL, known once the server listens). */
  update(name: string, value: string): void {
    if (this.#own.has(name)) this.#own.set(name, value);
  }

  entries(): VariableEntries {
    return [...this.#own];
  }
}

const scope = new AsyncLocalStorage<FunctionEnvironment>();
const environments = new Map<string, FunctionEnvironment>();

/**
 * Every function's variables (config/functions.ts, config/function-access.ts) with the local
 * stack's values, by function id.
 */
export function localEnvironments(
  values: VariableValues,
  functions: readonly Pick<FunctionSpec, 'id' | 'access'>[] = FUNCTION_SPECS,
): Map<string, VariableEntries> {
  return new Map(functions.map((spec) => [spec.id, environmentFrom(spec.id, spec.access, values)]));
}

/**
 * Makes these the variables of the functions named, from now on, and installs the hook that
 * lets the handlers read them. Functions not named run with process.env only.
 */
export function provideEnvironments(byFunction: ReadonlyMap<string, VariableEntries>): void {
  environments.clear();
  for (const [id, entries] of byFunction) environments.set(id, new FunctionEnvironment(entries));
  (globalThis as Record<symbol, unknown>)[HOOK] = currentEnvironment;
}

/** Forgets the functions' variables and removes the hook (the stack stopped). */
export function withdrawEnvironments(): void {
  environments.clear();
  if ((globalThis as Record<symbol, unknown>)[HOOK] === currentEnvironment) {
    delete (globalThis as Record<symbol, unknown>)[HOOK];
  }
}

/** Sets a variable for every function that was given it. */
export function updateVariable(name: string, value: string): void {
  for (const environment of environments.values()) environment.update(name, value);
}

/** A function's variables now (its own only), e.g. for a process that runs it outside the stack. */
export function variablesOf(functionId: string): Readonly<Record<string, string>> {
  return Object.fromEntries(environments.get(functionId)?.entries() ?? []);
}

/**
 * Runs `work` as the function `functionId`: whatever it reads through
 * lambdas/commons/environment.ts, now or in anything it starts, is that function's. A function
 * with no variables provided runs as it is.
 */
export function runAsFunction<T>(functionId: string, work: () => T): T {
  const environment = environments.get(functionId);
  return environment ? scope.run(environment, work) : work();
}

function currentEnvironment(): FunctionEnvironment | undefined {
  return scope.getStore();
}
