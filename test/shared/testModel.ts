/**
 * The real test model (`stories260K.gguf`, see ../shared/models/README.md): the path in
 * INTENT_ENGINE_MODEL, else `shared/models/` beside the repository or beside any folder above it.
 * Never downloaded, never committed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const MODEL_NAME = 'stories260K.gguf';
/** The repository root, from out/test/shared/ (tsc output). */
const REPO_ROOT = path.resolve(__dirname, '../../..');

export function testModelFile(): string {
  if (process.env.INTENT_ENGINE_MODEL) return process.env.INTENT_ENGINE_MODEL;
  const tried: string[] = [];
  for (let dir = path.dirname(REPO_ROOT); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'shared', 'models', MODEL_NAME);
    if (fs.existsSync(file)) return file;
    tried.push(file);
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`the engine tests need ${MODEL_NAME}: set INTENT_ENGINE_MODEL, or put it at one of ${tried.join(', ')}`);
}
