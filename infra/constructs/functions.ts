import { Construct } from 'constructs';
import { FUNCTION_CATALOG, type FunctionName } from '../../functions/catalog.ts';
import type { StageConfig } from '../stage-config.ts';
import { applyBindings, type BindableResources } from './function-bindings.ts';
import { InvoiceRelayFunction } from './invoice-relay-function.ts';

export interface FunctionsProps {
  stage: StageConfig;
  version: string;
  resources: BindableResources;
}

/**
 * Every function of functions/catalog.ts, each bound to what its bindings name and to nothing
 * else. The constructs of each concern then wire what triggers them (routes, queues, schedules).
 */
export class Functions extends Construct {
  readonly all: InvoiceRelayFunction[];
  readonly #byName: Map<FunctionName, InvoiceRelayFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { stage } = props;
    /** Stage settings that reserve capacity for one function. */
    const reserved: Partial<Record<FunctionName, number>> = {
      snapshotWorker: stage.snapshots.workerConcurrency,
    };
    this.#byName = new Map();
    for (const [name, spec] of Object.entries(FUNCTION_CATALOG) as Array<
      [FunctionName, (typeof FUNCTION_CATALOG)[FunctionName]]
    >) {
      const fn = new InvoiceRelayFunction(this, pascalCase(name), {
        name,
        stage,
        version: props.version,
        ...(reserved[name] === undefined ? {} : { reservedConcurrency: reserved[name] }),
      });
      applyBindings(fn, spec.bindings, props.resources);
      this.#byName.set(name, fn);
    }
    this.all = [...this.#byName.values()];
  }

  get(name: FunctionName): InvoiceRelayFunction {
    const fn = this.#byName.get(name);
    if (fn === undefined) throw new Error(`no function ${name}`);
    return fn;
  }
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
