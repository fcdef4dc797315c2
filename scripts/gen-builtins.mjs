// Generates src/core/filter/generated/builtins.json: the names every TypeScript/JavaScript file may
// use without declaring them, derived from TypeScript's own lib declarations (ECMAScript + DOM) and
// @types/node — globals, their types' members, Node's built-in modules and their exports — plus
// Python's builtins and standard-library module names (from `python3`, when one is installed; else
// the committed lists are kept) and ordinary English words (lowercase words of the libs' doc
// comments, for telling proper names from ordinary words in prose).
// Run: `node scripts/gen-builtins.mjs` (build.mjs runs it before bundling).
// The JSON holds a few long strings, not big arrays, so tsc's type for it stays tiny.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(root, 'src/core/filter/generated/builtins.json');

const libDir = path.dirname(require.resolve('typescript/lib/lib.es5.d.ts'));
const libFiles = fs
  .readdirSync(libDir)
  .filter((f) => /^lib\.(es5|es20\d\d(\.[a-z.]+)?|esnext(\.[a-z.]+)?|decorators(\.legacy)?|dom(\.iterable|\.asynciterable)?)\.d\.ts$/.test(f))
  .filter((f) => !/\.full\.d\.ts$/.test(f))
  .sort()
  .map((f) => path.join(libDir, f));
const nodeDir = path.dirname(require.resolve('@types/node/package.json'));
const nodeFiles = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(d, e.name);
    if (e.isDirectory() && !/^ts\d/.test(e.name)) walk(p);
    else if (e.isFile() && e.name.endsWith('.d.ts')) nodeFiles.push(p);
  }
})(nodeDir);

/** type name → { ext: Set, members: Set } */
const types = new Map();
const globals = new Set();
/** global value name → its declared type name */
const globalTypes = new Map();
/** module name → Set of exported names */
const modules = new Map();

const typeEntry = (name) => {
  let t = types.get(name);
  if (!t) types.set(name, (t = { ext: new Set(), members: new Set() }));
  return t;
};
const nameOf = (n) => (n && (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n)) ? n.text : undefined);
const typeRefName = (t) => {
  if (!t) return undefined;
  if (ts.isTypeReferenceNode(t)) return t.typeName.getText();
  if (ts.isExpressionWithTypeArguments(t)) return t.expression.getText();
  return undefined;
};
function addMembers(entry, members) {
  for (const m of members) {
    const n = nameOf(m.name);
    if (n) entry.members.add(n);
  }
}

/** Walks declarations; `prefix` is a namespace path ("NodeJS.") or a module key ("fs:"). */
function visit(stmts, prefix, onValue) {
  for (const s of stmts) {
    if (ts.isInterfaceDeclaration(s) || ts.isClassDeclaration(s)) {
      if (!s.name) continue;
      const e = typeEntry(prefix + s.name.text);
      for (const h of s.heritageClauses ?? []) for (const t of h.types) e.ext.add(t.expression.getText());
      addMembers(e, s.members);
      if (ts.isClassDeclaration(s)) {
        onValue(s.name.text, prefix + s.name.text);
        const st = typeEntry('typeof ' + prefix + s.name.text);
        for (const m of s.members) if (m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) addMembers(st, [m]);
        st.members.add('prototype');
      } else onValue(undefined);
    } else if (ts.isTypeAliasDeclaration(s)) {
      // A lib alias (`Partial`, `Parameters`, `Awaited`) is a global name: a snippet's broken parse
      // may read it as a value (`= Pick<`), and its members are not listed (resolve.ts UNRESOLVABLE).
      if (!ts.isTypeLiteralNode(s.type) && !ts.isIntersectionTypeNode(s.type)) onValue(s.name.text, undefined);
      if (ts.isTypeLiteralNode(s.type)) addMembers(typeEntry(prefix + s.name.text), s.type.members);
      else if (ts.isIntersectionTypeNode(s.type)) {
        const e = typeEntry(prefix + s.name.text);
        for (const p of s.type.types) {
          if (ts.isTypeLiteralNode(p)) addMembers(e, p.members);
          const r = typeRefName(p);
          if (r) e.ext.add(r);
        }
      }
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        const n = nameOf(d.name);
        if (!n) continue;
        let tn = typeRefName(d.type);
        if (d.type && ts.isTypeLiteralNode(d.type)) {
          tn = 'typeof ' + prefix + n;
          addMembers(typeEntry(tn), d.type.members);
        }
        onValue(n, tn);
      }
    } else if (ts.isFunctionDeclaration(s)) {
      if (s.name) onValue(s.name.text, undefined);
    } else if (ts.isEnumDeclaration(s)) {
      onValue(s.name.text, 'typeof ' + prefix + s.name.text);
      addMembers(typeEntry('typeof ' + prefix + s.name.text), s.members);
    } else if (ts.isModuleDeclaration(s)) {
      const body = s.body;
      if (s.name.kind === ts.SyntaxKind.GlobalKeyword || (ts.isIdentifier(s.name) && s.name.text === 'global')) {
        if (body && ts.isModuleBlock(body)) visit(body.statements, '', addGlobal);
      } else if (ts.isStringLiteral(s.name)) {
        const mod = s.name.text;
        const names = modules.get(mod) ?? new Set();
        modules.set(mod, names);
        if (body && ts.isModuleBlock(body)) {
          visit(body.statements, mod + ':', (n) => n && names.add(n));
          for (const st of body.statements) {
            if (ts.isExportDeclaration(st)) {
              // export * from 'm' / export { a, b } (from 'm') / export * as ns from 'm'
              if (!st.exportClause && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) names.add('*' + st.moduleSpecifier.text);
              else if (st.exportClause && ts.isNamedExports(st.exportClause)) for (const el of st.exportClause.elements) names.add(el.name.text);
              else if (st.exportClause && ts.isNamespaceExport(st.exportClause)) names.add(st.exportClause.name.text);
            }
            // export import x = …
            if (ts.isImportEqualsDeclaration(st) && st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) names.add(st.name.text);
            if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name)) names.add(st.name.text);
            if (ts.isExportAssignment(st)) names.add('=');
          }
        }
      } else {
        // namespace X { … } (possibly X.Y): its values are members of `typeof X`.
        let inner = s;
        let full = prefix + s.name.text;
        while (inner.body && ts.isModuleDeclaration(inner.body)) {
          inner = inner.body;
          full += '.' + inner.name.text;
        }
        onValue(s.name.text, 'typeof ' + prefix + s.name.text);
        const ns = typeEntry('typeof ' + full);
        if (inner.body && ts.isModuleBlock(inner.body)) {
          visit(inner.body.statements, full + '.', (n) => n && ns.members.add(n));
          for (const st of inner.body.statements) {
            if ((ts.isInterfaceDeclaration(st) || ts.isModuleDeclaration(st) || ts.isClassDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name && ts.isIdentifier(st.name))
              ns.members.add(st.name.text);
          }
        }
      }
    }
  }
}
function addGlobal(name, type) {
  if (!name) return;
  globals.add(name);
  if (type && !globalTypes.has(name)) globalTypes.set(name, type);
}

const commentWords = new Map();
for (const file of [...libFiles, ...nodeFiles]) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const isModule = sf.statements.some((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s));
  if (!isModule) visit(sf.statements, '', addGlobal);
  else for (const s of sf.statements) if (ts.isModuleDeclaration(s)) visit([s], '', addGlobal);
  if (file.includes('lib.dom') || file.includes('lib.es5')) {
    for (const c of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      for (const w of c[0].replace(/\{@link[^}]*\}|https?:\S+|`[^`]*`/g, ' ').matchAll(/(?<![\w.@-])[a-z]{2,16}(?![\w(@-])/g))
        commentWords.set(w[0], (commentWords.get(w[0]) ?? 0) + 1);
    }
  }
}
// Keywords of the type system that are spelled like values.
for (const n of ['globalThis', 'undefined', 'NaN', 'Infinity', 'arguments', 'require', 'module', 'exports', '__dirname', '__filename']) globals.add(n);

// Python: builtins and standard-library modules from the interpreter, when there is one.
let previous = {};
try {
  previous = JSON.parse(fs.readFileSync(OUT, 'utf8'));
} catch {
  /* first run */
}
let pyBuiltins = previous.pyBuiltins ?? '';
let pyModules = previous.pyModules ?? '';
let pyMembers = previous.pyMembers ?? '';
try {
  const out = execFileSync(
    'python3',
    [
      '-c',
      'import sys, builtins; print(" ".join(sorted(dir(builtins)))); print(" ".join(sorted(sys.stdlib_module_names))); print(" ".join(sorted(set(n for t in (str, bytes, int, float, complex, bool, list, dict, set, frozenset, tuple, object, BaseException, type) for n in dir(t)))))',
    ],
    { encoding: 'utf8', timeout: 20000 },
  );
  const [b, m, mm] = out.trim().split('\n');
  if (b && m && mm) {
    pyBuiltins = b;
    pyModules = m;
    pyMembers = mm;
  }
} catch {
  if (!pyBuiltins) process.stderr.write('gen-builtins: no python3 and no committed Python lists\n');
}

const sortStr = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const typeLines = [...types.entries()]
  .filter(([, t]) => t.members.size > 0 || t.ext.size > 0)
  .sort(([a], [b]) => sortStr(a, b))
  .map(([n, t]) => `${n}${t.ext.size ? '<' + [...t.ext].sort(sortStr).join(',') : ''}:${[...t.members].sort(sortStr).join(' ')}`);
const data = {
  source: `typescript ${ts.version} lib (${libFiles.length} files), @types/node ${JSON.parse(fs.readFileSync(path.join(nodeDir, 'package.json'), 'utf8')).version}`,
  tsGlobals: [...globals].sort(sortStr).join(' '),
  tsGlobalTypes: [...globalTypes.entries()]
    .sort(([a], [b]) => sortStr(a, b))
    .map(([n, t]) => `${n}=${t}`)
    .join('\n'),
  tsTypes: typeLines.join('\n'),
  nodeModules: [...modules.entries()]
    .sort(([a], [b]) => sortStr(a, b))
    .map(([m, names]) => `${m}:${[...names].sort(sortStr).join(' ')}`)
    .join('\n'),
  words: [...commentWords.entries()]
    .filter(([, c]) => c >= 2)
    .map(([w]) => w)
    .sort(sortStr)
    .join(' '),
  pyBuiltins,
  pyModules,
  pyMembers,
};
const json = JSON.stringify(data, null, 0) + '\n';
fs.mkdirSync(path.dirname(OUT), { recursive: true });
if (!fs.existsSync(OUT) || fs.readFileSync(OUT, 'utf8') !== json) fs.writeFileSync(OUT, json);
if (process.argv.includes('--verbose') || import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(
    `gen-builtins: ${globals.size} globals, ${typeLines.length} types, ${modules.size} node modules, ${data.words.split(' ').length} words, ${Math.round(json.length / 1024)} KB\n`,
  );
}
