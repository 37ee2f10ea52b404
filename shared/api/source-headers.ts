import type { Answer } from '../lookup/snapshot-answers.ts';

/** `Invoice-Source` on every invoice answer, and `Age` on those from the snapshot store. */
export function sourceHeaders(
  answer: Pick<Answer<unknown>, 'source' | 'ageSeconds'>,
): Record<string, string> {
  return {
    'invoice-source': answer.source,
    ...(answer.ageSeconds === undefined ? {} : { age: String(answer.ageSeconds) }),
  };
}
