/**
 * The filter's input and the context a name is grounded in: shapes shared by the stages
 * (consistency.ts, grounding.ts, receiverTypes.ts, autoImport.ts), kept apart so none of them
 * imports another for its types alone.
 */
import type { Family } from './builtins';
import type { FileFacts, SuggestionFacts } from './facts';
import type { WorkspaceKnowledge } from './knowledge';
import type { TypeResolver } from './resolve';

export interface FilterInput {
  /** Raw model output. */
  text: string;
  /** The whole current document text before and after the cursor. */
  docPrefix: string;
  docSuffix: string;
  languageId: string;
  stop: readonly string[];
  multiline: boolean;
  maxLines: number;
  /** Absolute path of the document: auto-import paths, and the index leaves the on-disk file out. */
  docPath?: string;
}

/** What a reference is checked against: the suggestion, the document at the cursor, the workspace. */
export interface GroundingContext {
  s: SuggestionFacts;
  doc: FileFacts;
  resolver: TypeResolver;
  ws: WorkspaceKnowledge;
  family: Family;
  /** The input the document's analysis was read for (its prefix ends at `cursor`). */
  input: FilterInput;
  cursor: number;
}
