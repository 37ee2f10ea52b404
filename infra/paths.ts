import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder, wherever the app or a test is started from. */
export const REPOSITORY_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
