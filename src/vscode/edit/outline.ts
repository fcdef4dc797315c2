/** The document's outline from the language's symbol provider, for the edit prompt when the context engine has none. */
import * as vscode from 'vscode';
import { formatOutline, type OutlineSymbol } from '../../core/edit/prompt';

/** The document's symbols as the language's provider sees them; none within 500 ms: no outline. */
export async function outlineOf(doc: vscode.TextDocument): Promise<string | undefined> {
  const symbols = await Promise.race([
    Promise.resolve(vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri)).catch(
      () => undefined,
    ),
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 500)),
  ]);
  if (!symbols || symbols.length === 0) return undefined;
  const flat: OutlineSymbol[] = [];
  const walk = (list: readonly vscode.DocumentSymbol[], depth: number) => {
    for (const sym of list) {
      flat.push({ name: sym.name, kind: vscode.SymbolKind[sym.kind]?.toLowerCase() ?? 'symbol', detail: sym.detail || undefined, depth });
      if (depth < 3) walk(sym.children ?? [], depth + 1);
    }
  };
  if ('children' in symbols[0]) walk(symbols as vscode.DocumentSymbol[], 0);
  else
    for (const sym of symbols as vscode.SymbolInformation[])
      flat.push({ name: sym.name, kind: vscode.SymbolKind[sym.kind]?.toLowerCase() ?? 'symbol', depth: sym.containerName ? 1 : 0 });
  const text = formatOutline(flat, 4000);
  return text || undefined;
}
