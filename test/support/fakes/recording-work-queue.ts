import type { WorkMessage, WorkQueue } from '../../../shared/snapshot/work-queue.ts';

/** The snapshot work queue in memory: keeps what was sent, in order. */
export class RecordingWorkQueue implements WorkQueue {
  readonly sent: WorkMessage[] = [];

  async send(messages: readonly WorkMessage[]): Promise<void> {
    this.sent.push(...messages.map((message) => structuredClone(message)));
  }
}
