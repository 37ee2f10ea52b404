import { Stack } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';
import type { InvoiceRelayFunction } from './invoice-relay-function.ts';

export interface ConnectionsProps {
  stage: StageConfig;
}

/**
 * The stage's connections and the secrets behind them. Provider credentials are secrets the
 * operator creates (their names are in infra/stages/<stage>.json); the key that signs page cursors
 * is generated here. Functions get the connection list as JSON (references only, never a secret)
 * and read rights on exactly the secrets they use.
 */
export class Connections extends Construct {
  readonly cursorKey: Secret;
  readonly #stage: StageConfig;
  readonly #credentials: ISecret[];

  constructor(scope: Construct, id: string, props: ConnectionsProps) {
    super(scope, id);
    this.#stage = props.stage;
    this.#credentials = props.stage.connections.map((connection) => {
      const reference = connection.credentials;
      // The stage schema admits Secrets Manager references only (infra/stage-config.ts).
      const name = 'secretsManager' in reference ? reference.secretsManager : '';
      return name.startsWith('arn:')
        ? Secret.fromSecretCompleteArn(this, `Credentials-${connection.id}`, name)
        : Secret.fromSecretNameV2(this, `Credentials-${connection.id}`, name);
    });
    this.cursorKey = new Secret(this, 'CursorKey', {
      description: `invoice-relay ${props.stage.name}: signs API page cursors`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
  }

  /**
   * CONNECTIONS; with `credentials`, read rights on every connection's secret too (the functions
   * that call providers). The others only need to know which connections exist.
   */
  bindConnections(fn: InvoiceRelayFunction, options: { credentials: boolean }): void {
    fn.setVariable('CONNECTIONS', Stack.of(this).toJsonString(this.#stage.connections));
    if (options.credentials) for (const secret of this.#credentials) secret.grantRead(fn);
  }

  /** CURSOR_KEY, with read rights on it. */
  bindCursorKey(fn: InvoiceRelayFunction): void {
    fn.setVariable('CURSOR_KEY', Stack.of(this).toJsonString({ secretsManager: this.cursorKey.secretArn }));
    this.cursorKey.grantRead(fn);
  }
}
