/** The smallest Lambda handler: bench/cold-start's baseline, bundled like every function. */
export const handler = async () => ({ statusCode: 200, body: 'hello' });
