/**
 * The built-in engine keeps one KV sequence per document: each request names its document with
 * an opaque id in ENGINE_DOCUMENT_HEADER, sent only to that engine (model/route.ts `perDocument`).
 * The id is a keyed hash of the document's URI: stable for this process's life (so the engine
 * finds the document's sequence again), saying nothing of the path to whoever reads it.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The header naming a request's document to the built-in engine (src/engine/server.ts reads it). */
export const ENGINE_DOCUMENT_HEADER = 'x-intent-document';
/** What the built-in engine's /v1/models says owns its model: how the probe knows it (model/server.ts). */
export const ENGINE_OWNER = 'intent-complete';

/** Hex characters of the id (128 bits: no two documents of a session share one). */
const ID_CHARS = 32;
/** One key per process: an id cannot be matched to a guessed URI by hashing it. */
const KEY = randomBytes(32);

/** The opaque, stable id of a document URI. */
export function documentId(uri: string): string {
  return createHmac('sha256', KEY).update(uri).digest('hex').slice(0, ID_CHARS);
}
