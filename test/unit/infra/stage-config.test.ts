import { describe, expect, test } from 'vitest';
import { loadStage, STAGE_NAMES, StageConfig } from '../../../infra/stage-config.ts';

/** Stage files are data checked at synth: what a deployed stage may not say. */

const dev = loadStage('dev');

function problems(change: (stage: Record<string, unknown>) => void): string[] {
  const stage = structuredClone(dev) as unknown as Record<string, unknown>;
  change(stage);
  const result = StageConfig.safeParse(stage);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('stage configuration', () => {
  test.each(STAGE_NAMES)('infra/stages/%s.json is valid', (name) => {
    expect(loadStage(name).name).toBe(name);
  });

  test('an unknown stage names the ones there are', () => {
    expect(() => loadStage('qa')).toThrow(/dev\|staging\|prod/);
  });

  test('credentials must come from Secrets Manager, not an environment variable', () => {
    expect(
      problems((stage) => {
        (stage.connections as Array<Record<string, unknown>>)[0] = {
          ...(stage.connections as Array<Record<string, unknown>>)[0],
          credentials: { environment: 'TOKEN' },
        };
      }),
    ).toEqual([
      expect.stringMatching(
        /^connections\.0\.credentials: deployed stages take credentials from Secrets Manager/,
      ),
    ]);
  });

  test('providers are reached over https', () => {
    expect(
      problems((stage) => {
        (stage.connections as Array<Record<string, unknown>>)[1] = {
          ...(stage.connections as Array<Record<string, unknown>>)[1],
          baseUrl: 'http://api.pack.cloud',
        };
      }),
    ).toEqual(['connections.1.baseUrl: deployed stages call providers over https']);
  });

  test('private webhook targets cannot be allowed in a deployed stage', () => {
    expect(
      problems((stage) => {
        (stage.webhooks as Record<string, unknown>).allowPrivateTargets = true;
      }),
    ).toEqual([expect.stringMatching(/^webhooks\.allowPrivateTargets: /)]);
  });

  test('log retention must be a period CloudWatch Logs offers', () => {
    expect(
      problems((stage) => {
        (stage.logs as Record<string, unknown>).retentionDays = 10;
      }),
    ).toEqual([expect.stringMatching(/^logs\.retentionDays: /)]);
  });

  test('the snapshot lag alarm must allow two rounds', () => {
    expect(
      problems((stage) => {
        (stage.snapshots as Record<string, unknown>).intervalMinutes = 60;
        (stage.alarms as Record<string, unknown>).snapshotLagMinutes = 90;
      }),
    ).toEqual(['alarms.snapshotLagMinutes: must be at least twice snapshots.intervalMinutes (120)']);
  });

  test('connection ids are unique and unknown settings are refused', () => {
    expect(
      problems((stage) => {
        const connections = stage.connections as unknown[];
        connections.push(connections[0]);
        stage.colour = 'blue';
      }),
    ).toEqual(
      expect.arrayContaining([
        `connections.${dev.connections.length}.id: is not unique`,
        expect.stringMatching(/colour/),
      ]),
    );
  });
});
