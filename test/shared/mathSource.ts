/** A small TypeScript file used by the evaluation tests (unit and in the VS Code host). */

/** Every line with an identifier is a hole: 0, 1, 3, 4, 5, 6, 8 (lines 2 and 7 are `}`). */
export const MATH_TS = [
  'export function addNumbers(a: number, b: number): number {',
  '  return a + b;',
  '}',
  'export function total(values: number[]): number {',
  '  let sum = 0;',
  '  for (const v of values) sum = addNumbers(sum, v);',
  '  return sum;',
  '}',
  'export const twice = (x: number): number => addNumbers(x, x);',
  '',
].join('\n');
