#!/usr/bin/env node
// Generates src/core/filter/generated/jdk.json from an installed JDK: for the packages Java code
// most often imports, the public classes of each package and, per class, its public and protected
// members with what it extends and implements (javap). The consistency filter reads it to type
// Java receivers and bases from the JDK (`extends Thread`, `StringBuilder sb`) and to know which
// classes a wildcard import (`import java.util.*;`) brings in.
//
// Usage: node scripts/gen-jdk.mjs [JAVA_HOME]   (default: the `javap` on PATH's JDK)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PACKAGES = [
  'java.lang',
  'java.util',
  'java.util.function',
  'java.util.stream',
  'java.util.concurrent',
  'java.util.concurrent.atomic',
  'java.util.concurrent.locks',
  'java.util.regex',
  'java.io',
  'java.nio',
  'java.nio.file',
  'java.nio.charset',
  'java.time',
  'java.time.format',
  'java.net',
  'java.math',
  'java.text',
  'java.lang.reflect',
];

const home = process.argv[2] ?? path.resolve(path.dirname(fs.realpathSync(execFileSync('which', ['javap']).toString().trim())), '..');
const bin = (t) => path.join(home, 'bin', t);
const listing = execFileSync(bin('jimage'), ['list', path.join(home, 'lib', 'modules')], { maxBuffer: 1 << 28 }).toString();
const wanted = new Set(PACKAGES);
const classes = [];
for (const line of listing.split('\n')) {
  const m = /^\s+((?:[a-z]\w*\/)+)([A-Z]\w*)\.class$/.exec(line);
  if (m && wanted.has(m[1].slice(0, -1).replace(/\//g, '.'))) classes.push(m[1].replace(/\//g, '.') + m[2]);
}
const out = execFileSync(bin('javap'), ['-protected', ...classes], { maxBuffer: 1 << 28 }).toString();

/** Simple names of a comma list of (generic) types. */
const simpleNames = (list) => {
  let depth = 0;
  let flat = '';
  for (const ch of list) {
    if (ch === '<') depth++;
    else if (ch === '>') depth--;
    else if (depth === 0) flat += ch;
  }
  return flat
    .split(',')
    .map((t) => t.trim().split('.').pop())
    .filter(Boolean);
};

const packages = {};
const types = {};
let cur;
for (const line of out.split('\n')) {
  const head = /^(?:public |protected )?(?:[a-z]+ )*(class|interface|enum|@interface) ([\w.$]+)(?:<.*?>)?(?: extends (.+?))?(?: implements (.+?))? \{$/.exec(line);
  if (head) {
    const full = head[2];
    const simple = full.split('.').pop();
    const pkg = full.slice(0, full.length - simple.length - 1);
    cur = undefined;
    if (simple.includes('$') || !wanted.has(pkg)) continue;
    (packages[pkg] ??= []).push(simple);
    // java.lang first, then the order above: the first class of a simple name wins.
    if (types[simple]) continue;
    const bases = [...(head[3] ? simpleNames(head[3]) : []), ...(head[4] ? simpleNames(head[4]) : [])];
    // A class with no `extends` extends Object (an interface's Object methods are universal members).
    if (!head[3] && head[1] !== 'interface' && simple !== 'Object') bases.unshift('Object');
    cur = types[simple] = { bases, members: new Set() };
    continue;
  }
  if (!cur || !line.endsWith(';')) continue;
  const paren = line.indexOf('(');
  const decl = paren >= 0 ? line.slice(0, paren) : line.slice(0, -1);
  const name = /([\w$]+)$/.exec(decl.trim())?.[1];
  if (name && !name.includes('.') && !name.includes('$')) cur.members.add(name);
}
const json = {
  source: `javap of ${fs.readFileSync(path.join(home, 'release'), 'utf8').match(/JAVA_VERSION="([^"]*)"/)?.[1] ?? 'a JDK'}`,
  packages: Object.fromEntries(Object.entries(packages).map(([p, l]) => [p, [...new Set(l)].sort().join(' ')])),
  types: Object.fromEntries(Object.entries(types).map(([n, t]) => [n, `${t.bases.join(',')}:${[...t.members].sort().join(' ')}`])),
};
const target = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'src', 'core', 'filter', 'generated', 'jdk.json');
fs.writeFileSync(target, JSON.stringify(json) + '\n');
console.log(`${target}: ${Object.keys(json.types).length} types in ${Object.keys(json.packages).length} packages`);
