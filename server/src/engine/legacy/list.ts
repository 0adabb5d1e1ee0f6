// foreach `list` expressions: a JMESPath query (optionally wrapped in {{ }}) that must yield an array.
import { query } from '../jmespath/query.ts';
import { findVariables, substituteString } from '../jmespath/substitute.ts';

export function evaluateList(list: unknown, data: unknown): unknown[] {
  if (typeof list !== 'string') throw new Error('foreach list must be a string');
  const vars = findVariables(list);
  const value = vars.length > 0 ? substituteString(list, data) : query(list, data);
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`foreach list '${list}' did not evaluate to an array`);
  return value;
}

/** Adds foreach's element variables: element/elementIndex and the nesting-indexed element<N>. */
export function withElement(data: Record<string, unknown>, element: unknown, index: number, nesting: number): Record<string, unknown> {
  return { ...data, element, elementIndex: index, [`element${nesting}`]: element, [`elementIndex${nesting}`]: index };
}
