import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';

/**
 * The handler of a queue-driven function: every message body is parsed with the queue's schema,
 * each record is handled on its own (Powertools batch processing), and only the records that failed
 * are reported back (partial batch response). A body that is not one of the queue's messages
 * fails like any other record: SQS hands it out again and finally moves it to the queue's
 * dead-letter queue, where an operator sees it. Nothing is dropped.
 *
 * The processor is made per invocation: its state (records, failures) must never be shared by
 * two invocations running at once in one process, as the local runtime's pollers do.
 */
export function sqsBatchHandler<S extends z.ZodType>(options: {
  schema: S;
  logger: Logger;
  handle: (message: z.output<S>, record: SQSRecord, context: Context) => Promise<void>;
  /** Records of a batch at once (they are independent). @default true */
  inParallel?: boolean;
}): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(
      event,
      (record: SQSRecord) =>
        options.handle(parseBody(options.schema, record, options.logger), record, context),
      processor,
      {
        context,
        processInParallel: options.inParallel ?? true,
        // A whole batch failing is reported as such (its records come back), not as a crash.
        throwOnFullBatchFailure: false,
      },
    );
  };
}

/**
 * A record's body as one of the queue's messages, or an error that fails the record. Parsed here
 * rather than with Powertools' batch parser: that one imports zod's whole namespace (every locale,
 * JSON Schema conversion) and every event source's schemas into each queue function's bundle.
 */
function parseBody<S extends z.ZodType>(schema: S, record: SQSRecord, logger: Logger): z.output<S> {
  let problem: string;
  try {
    const parsed = schema.safeParse(JSON.parse(record.body));
    if (parsed.success) return parsed.data;
    // Paths and messages only: a body may hold personal data.
    problem = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  } catch {
    problem = 'not JSON';
  }
  logger.debug('a message is not one of the queue’s', { messageId: record.messageId, problem });
  throw new Error(`message ${record.messageId} is not one of the queue's: ${problem}`);
}
