/** Types shared by the pipeline's stages. Nothing here imports 'vscode'. */

/** What the core sees of a document: the editor's current text, never the file on disk. */
export interface DocumentSnapshot {
  /** A stable id, e.g. a URI string or an absolute path. */
  uri: string;
  /** Absolute file-system path when the document is a file, for related-file lookups. */
  fsPath?: string;
  /** VS Code language id (typescript, python, plaintext, …). */
  languageId: string;
  text: string;
  /** Increases on every change; used as part of cache identity. */
  version: number;
}

/** A cursor position: 0-based line and UTF-16 character, plus the UTF-16 offset into `text`. */
export interface Cursor {
  line: number;
  character: number;
  offset: number;
}

export interface CompletionRequest {
  doc: DocumentSnapshot;
  cursor: Cursor;
  /** Asked for explicitly (Alt+\): no debounce, no suppression heuristics. */
  explicit: boolean;
}

/** A chat message for chat-only models. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A related-context snippet: code the model can use, under its file path. */
export interface Snippet {
  path: string;
  text: string;
  /** Why it was chosen (for logs and benchmarks). */
  reason: string;
}

/** The context stage's output: everything the model stage needs to make a request. */
export interface BuiltPrompt {
  /** For /v1/completions: the full prompt text (template sentinels included). */
  prompt: string;
  /** For `suffix`-style endpoints: the suffix; undefined when the template puts it in `prompt`. */
  suffix?: string;
  /** For /v1/chat/completions. */
  messages?: ChatMessage[];
  /** Stop words (template sentinels always included). */
  stop: string[];
  /** The prefix and suffix of the current document that went into the prompt. */
  prefix: string;
  suffixText: string;
  snippets: Snippet[];
  /** Which template rendered it. */
  template: string;
  /** Multi-line allowed at this position. */
  multiline: boolean;
}

/** One raw candidate from the model. */
export interface Candidate {
  text: string;
  /** Finished naturally (stop/length) rather than cut by a deadline or an early stop. */
  finishReason: 'stop' | 'length' | 'early-stop' | 'deadline' | 'unknown';
}

export type FilterVerdict = 'keep' | 'truncate' | 'drop';

export interface FilterResult {
  verdict: FilterVerdict;
  /** What would be shown as ghost text; empty when dropped. */
  shown: string;
  /** Names that made it truncate or drop. */
  unknown: string[];
  /** Clean-up rules that changed the text (for the log and the report). */
  cleanups: string[];
  /** Imports to add when the suggestion is accepted (grounded auto-import). */
  additionalEdits?: { offset: number; text: string }[];
}

/** Timing of one request through the pipeline, in ms. */
export interface Timings {
  context: number;
  cache: number;
  model: number;
  filter: number;
  total: number;
  /** Characters of the model's answer the suggestion was decided on (model answers only; benchmarks). */
  decidedChars?: number;
}

export interface CompletionOutcome {
  /** Text to insert at the cursor as ghost text; empty means show nothing. */
  text: string;
  source: 'cache' | 'model' | 'none';
  filter?: FilterResult;
  timings: Timings;
  /** Set when nothing is shown because of an error (endpoint down, timeout, …). */
  error?: ModelErrorInfo;
  model: string;
  /** Additional edits to apply on accept (auto-import). */
  additionalEdits?: { offset: number; text: string }[];
}

export type ModelErrorKind =
  | 'not-configured'
  | 'unreachable'
  | 'timeout'
  | 'http'
  | 'rate-limited'
  | 'auth'
  | 'bad-response'
  | 'cancelled'
  | 'circuit-open'
  /** The model cannot complete text (an embedding model). */
  | 'unusable-model';

export interface ModelErrorInfo {
  kind: ModelErrorKind;
  message: string;
  status?: number;
  /** When the endpoint may be tried again (ms since epoch), for backoff. */
  retryAt?: number;
  /** The server's own words (HTTP errors), without our explanation around them. */
  detail?: string;
  /** The server turned down this style of request (a route or field it lacks); the next style is chosen. */
  styleRefused?: boolean;
}

/** A logger the core can use without knowing about VS Code. */
export interface Logger {
  trace(msg: string, ...args: unknown[]): void;
  debug(msg: string, ...args: unknown[]): void;
  info(msg: string, ...args: unknown[]): void;
  warn(msg: string, ...args: unknown[]): void;
  error(msg: string, ...args: unknown[]): void;
}

export const nullLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Converts a (line, character) to an offset in text. */
export function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const max = lineEnd < 0 ? text.length : lineEnd;
  return Math.min(offset + character, max);
}
