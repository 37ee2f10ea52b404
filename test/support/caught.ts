/** The error a promise rejects with (fails the test if it resolves). */
export async function caught(promise: Promise<unknown> | undefined): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a rejection');
}
