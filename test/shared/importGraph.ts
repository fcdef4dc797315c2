/** The relative-import graph of a TypeScript source tree, and its cycles (test/unit/importGraph.test.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `import … from './x'`, `export … from './x'`, `import './x'`, type-only forms included. */
const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w$*{},\s]+?\s+from\s+)?['"](\.{1,2}(?:\/[^'"]*)?)['"]/gm;

/** Each .ts file under `root` (relative, with `/`) and the files it imports, in source order. */
export function importGraph(root: string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(root, path.posix.join(path.posix.dirname(file), m[1]));
      if (target && !deps.includes(target)) deps.push(target);
    }
    g.set(file, deps);
  }
  return g;
}

/** Every cycle found by one depth-first walk, each as the path from a module back to itself. */
export function importCycles(g: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (u: string): void => {
    state.set(u, 'open');
    stack.push(u);
    for (const v of g.get(u) ?? []) {
      if (state.get(v) === 'open') cycles.push([...stack.slice(stack.indexOf(v)), v]);
      else if (!state.has(v)) visit(v);
    }
    stack.pop();
    state.set(u, 'done');
  };
  for (const f of [...g.keys()].sort()) if (!state.has(f)) visit(f);
  return cycles;
}

function resolve(root: string, spec: string): string | undefined {
  for (const c of [`${spec}.ts`, `${spec}/index.ts`]) if (fs.existsSync(path.join(root, c))) return path.posix.normalize(c);
  return undefined;
}

function tsFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...tsFiles(root, rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out.sort();
}
