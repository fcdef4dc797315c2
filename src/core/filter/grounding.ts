/**
 * Whether one name a suggestion uses is grounded: a module the workspace resolves, a member its
 * receiver's type has (or, where the type cannot be listed, a name that exists somewhere), a type
 * or free name declared in the document, the workspace, its dependencies or the builtins.
 */
import * as path from 'node:path';
import { builtins, type Family } from './builtins';
import type { FileFacts } from './extract';
import type { GroundingContext } from './types';
import type { WorkspaceKnowledge } from './knowledge';
import type { TypeResolver } from './resolve';
import { derefType } from './generics';
import { inferReceiver } from './receiverTypes';
import { CLOSED_TYPE_FAMILIES, declaredTypeOf } from './scan';
import type { Ref, SuggestionFacts } from './facts';

/** true: known; a string: known as that workspace file's export (needs an import); false: unknown. */
export function refKnown(ref: Ref, ctx: GroundingContext): boolean | string {
  const { s, doc, resolver, ws, family, input, cursor } = ctx;
  const name = ref.name;
  const ex = input.docPath;
  switch (ref.kind) {
    case 'module':
      if (family === 'ts' && builtins.isNodeModule(name)) return true;
      if (family === 'python' && builtins.isPythonStdlib(name.split('.')[0])) return true;
      if (doc.imports.some((i) => i.module === name)) return true;
      if (name.startsWith('.') && !ex) return true;
      return ws.resolvesModule(name, ex, input.languageId);
    case 'member': {
      if (builtins.universalMember(name, family)) return true;
      if (name.startsWith('#')) return s.introduced.has(name) || mentionsPrivateName(input.docPrefix, name) || mentionsPrivateName(input.docSuffix, name);
      // Assigning a member declares it in JavaScript and Python; TypeScript classes declare fields.
      const typed = input.languageId === 'typescript' || input.languageId === 'typescriptreact';
      if (s.assignedMembers.has(name) && !typed) return true;
      const head = ref.receiver && /^[\w$]+$/.test(ref.receiver) ? ref.receiver : undefined;
      // An array method's callback parameter is an element of the array (`this.items.find((i) => i.sku)`).
      const array = head ? s.elements?.get(head) : undefined;
      const elements = array ? resolver.elementMembers(array, cursor) : undefined;
      if (elements && !elements.open && !elements.unknownBase) return elements.members.has(name);
      // Python blocks end at their last statement: a cursor on a new indented line after it is
      // still in them, so types are looked up where the text before it ends.
      const members = resolver.receiver(ref.receiver, family === 'python' ? input.docPrefix.trimEnd().length : cursor);
      if (members?.unknownBase) return true;
      if (!members && fromUnresolvedModule(ref.receiver, s, resolver, family === 'python' ? input.docPrefix.trimEnd().length : cursor)) return true;
      // Name.x = … adds x to a type we can list (a static on a class); on a receiver we cannot type,
      // x must exist somewhere like any other member, so an invented name assigned is still caught.
      if (members && !members.open) {
        if (members.members.has(name) || (!!head && !typed && s.assignedMembers.has(`${head}.${name}`) && doc.declared.has(head))) return true;
        if (declaredApart(name, family, ws, ex)) return true;
        // `this.m` where the document's parse is broken: the class may end early in the tree (an
        // unbalanced brace after the cursor) while its text still declares m further down.
        if ((head !== 'this' && head !== 'self') || (doc.errors.length === 0 && !doc.repaired)) return false;
        let cls: { start: number } | undefined;
        for (const c of doc.classes) if (c.start <= cursor && cursor <= c.end && (!cls || c.start >= cls.start)) cls = c;
        return !!cls && declaresMember(input.docPrefix + input.docSuffix, cls.start, cursor, name, family);
      }
      if (family === 'go' || family === 'rust' || family === 'java') return scannedMemberKnown(ref, ctx);
      if (doc.tokens.has(name) || s.introduced.has(name) || ws.hasName(name, ex) || builtins.isGlobal(name, family)) return true;
      if (family === 'ts') return builtins.isAnyTsMember(name);
      if (family === 'python') {
        if (builtins.isPythonBuiltinMember(name)) return true;
        // A module we have no member list for (standard library, installed package): cannot tell.
        const head = ref.receiver?.split('.')[0];
        const imp = doc.imports.find((i) => i.local === head);
        return !!imp && !imp.module.startsWith('.');
      }
      return false;
    }
    case 'type':
      return s.introduced.has(name) || doc.tokens.has(name) || builtins.isGlobal(name, family) || (family === 'ts' && builtins.tsType(name) !== undefined) || ws.hasName(name, ex);
    case 'imported':
      return doc.tokens.has(name) || ws.hasName(name, ex) || (family === 'ts' && builtins.isAnyTsMember(name));
    case 'free': {
      if (s.introduced.has(name) || builtins.isGlobal(name, family)) return true;
      // A lib type read as a value where the snippet's own parse is broken (`= Pick<` unfinished).
      if (family === 'ts' && builtins.tsType(name) !== undefined) return true;
      if (doc.tokens.has(name)) return true;
      if (family === 'ts' && ex) {
        const from = ws.exportersOf(name, ex);
        if (from.length > 0) return nearest(from, ex);
      }
      if (family === 'ts' || family === 'python') return ws.hasDeclaration(name, ex);
      return ws.hasName(name, ex) || inheritedInJava(name, ctx) || (family === 'java' && fromJavaWildcard(name, doc));
    }
  }
}

/**
 * Whether a receiver's value comes from a module nothing here resolves (see
 * TypeResolver.fromUnresolvedModule), a callback parameter of the suggestion's included: its
 * members are an open world.
 */
function fromUnresolvedModule(receiver: string | undefined, s: SuggestionFacts, resolver: TypeResolver, at: number): boolean {
  const head = receiver ? /^[\w$]+/.exec(receiver)?.[0] : undefined;
  if (!head) return false;
  const via = s.origins?.get(head);
  return via !== undefined ? via !== head && resolver.fromUnresolvedModule(via, at) : resolver.fromUnresolvedModule(head, at);
}

/**
 * Whether the class whose declaration starts at `classStart` declares a member `name` in its text:
 * a line at its members' indentation (that of its first member), up to the first line after
 * `cursor` that is back at the class's own indentation (a method, field or accessor; Python
 * `def name(`, or `self.name =` anywhere in that range).
 */
export function declaresMember(text: string, classStart: number, cursor: number, name: string, family: Family): boolean {
  const lineStart = text.lastIndexOf('\n', classStart - 1) + 1;
  const indentOf = (l: string) => /^[ \t]*/.exec(l)![0];
  const lines = text.slice(lineStart).split('\n');
  const classIndent = indentOf(lines[0]).length;
  let at = lineStart + lines[0].length + 1;
  let memberIndent: string | undefined;
  const body: string[] = [];
  for (let i = 1; i < lines.length; at += lines[i].length + 1, i++) {
    const l = lines[i];
    if (!l.trim()) continue;
    const ind = indentOf(l);
    if (ind.length <= classIndent) {
      if (at > cursor) break;
      continue;
    }
    memberIndent ??= ind;
    body.push(l);
  }
  if (memberIndent === undefined) return false;
  const n = name.replace(/[$]/g, '\\$&');
  const head = `^${memberIndent}(?![ \\t])`;
  const re =
    family === 'python'
      ? new RegExp(`${head}(?:async\\s+)?def\\s+${n}\\s*\\(|\\bself\\.${n}\\s*(?::[^=\\n]*)?=(?!=)`, 'm')
      : new RegExp(`${head}(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|get|set)\\s+)*[*]?#?${n}\\s*(?:<[^>\\n]*>)?\\s*[?!]?\\s*[(:=;]`, 'm');
  return re.test(body.join('\n'));
}

/**
 * A member in a language read without a parse (Go, Rust, Java). Known when the document or the
 * suggestion has the name; else checked only on a receiver declared with a type whose members we
 * can list (a workspace Go struct or Java class, its embedded/base types resolved too). Any other
 * receiver — an imported package (`fmt`, `strings`), a standard library value, a type we cannot
 * find — is an open world: its members are not checked.
 */
function scannedMemberKnown(ref: Ref, ctx: GroundingContext): boolean {
  const { s, doc, resolver, input, family, ws } = ctx;
  if (doc.tokens.has(ref.name) || s.introduced.has(ref.name)) return true;
  // Rust: only types this document declares are resolved (resolve.ts finds no workspace Rust type).
  if (!CLOSED_TYPE_FAMILIES.has(input.languageId) && family !== 'rust') return true;
  // Rust and Java: the receiver's nearest declaration, its type followed through std/JDK generics.
  const inferred = inferReceiver(ref, ctx);
  // An array (`T[]`, Rust `[T]`): Java's has `length` and `clone` beyond Object's; a Rust slice's methods are not listed.
  if (inferred.type && derefType(inferred.type, family).name === '[]') return family !== 'java' || JAVA_ARRAY_MEMBERS.has(ref.name);
  const typeName = inferred.found ? (inferred.type ? derefType(inferred.type, family).name : undefined) : declaredTypeOf(input.docPrefix, ref.receiver, input.languageId);
  const resolved = typeName ? resolver.typeFromText(typeName) : undefined;
  if (!resolved) return true;
  const members = resolver.membersOf(resolved.shapes, resolved.name);
  return members.open || !!members.unknownBase || members.members.has(ref.name) || declaredApart(ref.name, family, ws, input.docPath);
}

/** Members of every Java array besides those of Object (universal members). */
const JAVA_ARRAY_MEMBERS = new Set(['length', 'clone']);

/**
 * Go methods and Rust impls may be declared in other files than their type: a member the type's
 * list lacks is still known when another workspace file has the name.
 */
function declaredApart(name: string, family: Family, ws: WorkspaceKnowledge, exclude: string | undefined): boolean {
  return (family === 'go' || family === 'rust') && ws.hasName(name, exclude);
}

/**
 * Java: `import static a.B.*;` may bring in any name; `import a.b.*;` a class (a capitalised name):
 * one of the package's when it is a JDK package we list, any for another package.
 */
function fromJavaWildcard(name: string, doc: FileFacts): boolean {
  for (const i of doc.imports) {
    if (i.local !== '*') continue;
    // `import static a.B.*;`: the members of class B (its last segment is capitalised).
    if (/(?:^|\.)[A-Z][\w$]*$/.test(i.module)) return true;
    if (!/^[A-Z]/.test(name)) continue;
    const listed = builtins.javaPackage(i.module);
    if (!listed || listed.has(name)) return true;
  }
  return false;
}

/**
 * Java: a name used unqualified inside a class is one of its members, inherited ones included
 * (`start()` in a class that extends Thread, `getMessage()` under Exception: the JDK's from
 * generated/jdk.json); a class with a base we cannot list (a library class) is an open world.
 */
function inheritedInJava(name: string, ctx: GroundingContext): boolean {
  if (ctx.family !== 'java') return false;
  const own = ctx.resolver.enclosingType(ctx.cursor);
  if (!own) return false;
  const members = ctx.resolver.membersOf([own], own.name);
  return members.open || !!members.unknownBase || members.members.has(name);
}

/**
 * Whether `text` has the ES private name `#x` (not as the start of a longer name). A private name
 * is visible only inside the class body that declares it, whatever the receiver (`other.#x`,
 * `#x in obj`), so one the document already uses is declared by a class around its uses; the
 * text, not the parse, is read because the parse of a document being typed is often broken.
 */
function mentionsPrivateName(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (!/[\w$\u00C0-\uFFFF]/.test(text[i + name.length] ?? '')) return true;
  }
  return false;
}

/** The exporting file closest to the document (most shared folders, then shortest path). */
function nearest(files: readonly string[], from: string): string {
  const dir = path.dirname(from).split(path.sep);
  let best = files[0];
  let bestScore = -1;
  for (const f of files) {
    const parts = path.dirname(f).split(path.sep);
    let shared = 0;
    while (shared < parts.length && shared < dir.length && parts[shared] === dir[shared]) shared++;
    const score = shared * 1000 - f.length;
    if (score > bestScore) {
      bestScore = score;
      best = f;
    }
  }
  return best;
}
