/**
 * Auto-import: a suggestion that uses workspace exports the document does not import yet is kept,
 * and accepting it adds the import lines, in the document's style (ES `import` or `require`, with
 * or without `.js`).
 */
import * as path from 'node:path';
import type { FilterResult } from '../types';
import type { FilterInput } from './types';
import type { FileFacts } from './extract';
import type { SuggestionFacts } from './facts';

/** Import lines for the workspace exports the kept lines use. */
export function autoImport(imports: Map<string, string>, keptLines: number, s: SuggestionFacts, doc: FileFacts, input: FilterInput): Pick<FilterResult, 'additionalEdits'> {
  if (imports.size === 0 || !input.docPath) return {};
  const used = new Set(s.refs.filter((r) => r.line < keptLines && imports.has(r.name)).map((r) => r.name));
  const byModule = new Map<string, string[]>();
  for (const name of used) {
    const spec = moduleSpecifier(input.docPath, imports.get(name)!, doc.jsExtensions);
    byModule.set(spec, [...(byModule.get(spec) ?? []), name]);
  }
  if (byModule.size === 0) return {};
  const lines = [...byModule.entries()].map(([spec, names]) =>
    doc.commonJs ? `const { ${names.sort().join(', ')} } = require('${spec}');` : `import { ${names.sort().join(', ')} } from '${spec}';`,
  );
  const offset = doc.importsEnd;
  const text = offset > 0 ? '\n' + lines.join('\n') : lines.join('\n') + '\n';
  return { additionalEdits: [{ offset, text }] };
}

/** `./x/y` for a file, relative to the document, in the document's style (with `.js` or not). */
export function moduleSpecifier(fromFile: string, target: string, jsExtensions: boolean): string {
  let rel = path.relative(path.dirname(fromFile), target).split(path.sep).join('/');
  rel = rel.replace(/\.d\.ts$/, '').replace(/\.(tsx?|mts|cts|jsx?|mjs|cjs)$/, '');
  if (rel.endsWith('/index') && !jsExtensions) rel = rel.slice(0, -'/index'.length);
  else if (rel === 'index' && !jsExtensions) rel = '.';
  if (jsExtensions && !/\.(json)$/.test(rel)) rel += '.js';
  return rel.startsWith('.') ? rel : './' + rel;
}
