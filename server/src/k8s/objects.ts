// A JSON object as documents and admission requests hold one: a map, never an array or null.
// The one definition every layer reads values through.

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value when it is an object, else undefined (for `asObj(x)?.field` walks). */
export const asObj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
