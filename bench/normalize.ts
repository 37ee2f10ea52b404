import { XMLParser } from 'fast-xml-parser';
import type { NormalizationContext } from '../shared/providers/provider.ts';
import { PROVIDER_IDS, PROVIDERS } from '../shared/providers/registry.ts';
import { PROVIDER_SANDBOXES } from '../shared/sandbox/sandbox-registry.ts';
import { type BodyFormat, checkBody } from '../shared/wire/decode.ts';
import { compareSync, table } from './support/measure.ts';

/**
 * bench/normalize: per provider and format, normalizing a large response (bytes in, canonical
 * invoices out: parse, validate, normalize) against only parsing the same bytes (JSON.parse, or
 * fast-xml-parser with the options the adapters use), side by side in one run. Target: ratio ≤ 2.
 * The bodies come from each provider's sandbox (`largeResponse`), so a new provider is measured
 * as soon as it is in the registries.
 */

const INVOICES = 2000;
/** Providers without a list answer one invoice per body; fewer bodies keep the run short. */
const SINGLE_BODIES = 500;
const TARGET = 2;
const FORMATS: readonly BodyFormat[] = ['json', 'xml'];

const xmlOnlyParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

export async function benchNormalize(): Promise<boolean> {
  const rows: Array<Record<string, string | number>> = [];
  let allMet = true;
  for (const provider of PROVIDER_IDS) {
    const adapter = PROVIDERS[provider];
    const sandbox = PROVIDER_SANDBOXES[provider];
    const context: NormalizationContext = {
      provider,
      connection: provider,
      timeZone: adapter.defaults.timeZone,
      currency: adapter.defaults.currency,
      statusMap: sandbox.connection.statusMap ?? {},
      includeRaw: false,
    };
    for (const format of FORMATS) {
      const probe = sandbox.largeResponse(1, format);
      if (probe === null) continue;
      const response = sandbox.largeResponse(probe.operation === 'get' ? SINGLE_BODIES : INVOICES, format);
      if (response === null) continue;
      const { operation, bodies } = response;
      const wire = adapter.wire[operation];
      if (wire === undefined) throw new Error(`${provider} has no wire format for ${operation}`);
      const contentType = `application/${format}`;
      const parseOnly =
        format === 'json' ? (body: string) => JSON.parse(body) : (body: string) => xmlOnlyParser.parse(body);
      let invoices = 0;
      let quarantined = 0;
      for (const body of bodies) {
        const page = adapter.normalizeBody(operation, body, contentType, context);
        invoices += page.invoices.length;
        quarantined += page.quarantined.length;
      }
      if (quarantined > 0)
        throw new Error(`${provider} ${format}: ${quarantined} sandbox records quarantined`);
      const { baselineMs, candidateMs, ratio } = compareSync(
        () => {
          for (const body of bodies) parseOnly(body);
        },
        () => {
          for (const body of bodies) adapter.normalizeBody(operation, body, contentType, context);
        },
      );
      const validation = compareSync(
        () => {
          for (const body of bodies) parseOnly(body);
        },
        () => {
          for (const body of bodies) checkBody(provider, wire, body, contentType);
        },
        { samples: 15 },
      );
      const met = ratio <= TARGET;
      allMet &&= met;
      rows.push({
        provider,
        format,
        invoices,
        'body KiB': Math.round(bodies.reduce((total, body) => total + body.length, 0) / 1024),
        'parse ms': baselineMs.toFixed(2),
        'parse+validate / parse': validation.ratio.toFixed(2),
        'normalize ms': candidateMs.toFixed(2),
        'ratio normalize/parse': ratio.toFixed(2),
        [`target ≤ ${TARGET}`]: met ? 'met' : 'MISSED',
      });
    }
  }
  console.log(
    '\nbench/normalize: normalize (parse + validate + normalize) vs parse only, same bytes, same run\n',
  );
  console.log(table(rows));
  return allMet;
}
