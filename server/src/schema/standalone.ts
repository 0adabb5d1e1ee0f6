// Build time only (scripts/build.mjs): every schema's validator as standalone code, compiled with
// the very configuration the analyzer uses at run time (validate.ts), so a `check` compiles nothing.
import standaloneModule from 'ajv/dist/standalone/index.js';
import { schemaRegistry } from './registry.ts';
import { newAjv, validatorFileName } from './validate.ts';

// Interop, as for ajv-formats in validate.ts: the function is `.default` under one loader and the module under the other.
const standaloneCode = (standaloneModule as unknown as { default: typeof standaloneModule }).default ?? standaloneModule;

export interface StandaloneValidator {
  key: string;
  file: string;
  /** CommonJS source exporting the validate function; it requires ajv's runtime helpers. */
  code: string;
}

/** The validators of every schema ajv accepts (one it rejects is compiled, and rejected, at run time as before). */
export function standaloneValidators(): StandaloneValidator[] {
  const ajv = newAjv(true);
  const out: StandaloneValidator[] = [];
  for (const [key, schema] of Object.entries(schemaRegistry)) {
    let code: string;
    try {
      code = standaloneCode(ajv, ajv.compile(schema as object));
    } catch {
      continue;
    }
    out.push({ key, file: validatorFileName(key), code });
  }
  return out;
}
