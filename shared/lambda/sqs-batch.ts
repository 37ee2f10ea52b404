import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';

/**
 * The handler of a queue-driven function: every message body is parsed with the queue's schema
 * (Powertools batch parser), each record is handled on its own, and only the records that failed
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
    const processor = new BatchProcessor(EventType.SQS, {
      parser,
      innerSchema: options.schema,
      transformer: 'json',
      logger: options.logger,
    });
    return processPartialResponse(
      event,
      (record: SQSRecord) => options.handle(record.body as unknown as z.output<S>, record, context),
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
