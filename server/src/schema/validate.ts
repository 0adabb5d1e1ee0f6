// Structural validation of Kyverno documents against the generated CRD schemas, with ajv's errors
// turned into problems a person can act on: one per mistake, at the key or value to fix.
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { rootSchema, schemaKey } from './store.ts';
import { sharedDefs } from './registry.ts';
import { explain, type SchemaProblem } from './explain.ts';

export type { SchemaProblem } from './explain.ts';

// Interop: the default import is the plugin under esbuild's CJS bundle and its module object under
// Node's ESM loader; both carry `.default`.
const addFormats = (formatsModule as unknown as { default: typeof formatsModule }).default ?? formatsModule;

/**
 * Compiled validators per schema, created on first use: compiling a policy schema costs up to a
 * hundred milliseconds, validating a document with it microseconds. The compiled functions are immutable,
 * so one cache per process is safe to share.
 */
export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  // No `verbose` and no ajv messages: they add about half again to the compile time, and the data
  // and schema of an error are found from its paths when (rarely) needed.
  constructor() {
    this.ajv = new Ajv({ allErrors: true, strict: false, logger: false, inlineRefs: false, messages: false });
    // Only the formats the apiserver checks the same way; the generator left the others as x-format.
    addFormats(this.ajv, ['date-time', 'int32', 'int64']);
    this.ajv.addKeyword({ keyword: 'x-format', schemaType: 'string' });
    this.ajv.addKeyword({ keyword: 'x-preserve-unknown-fields', schemaType: 'boolean' });
    // Registered, not compiled: ajv compiles a shared definition when a schema first uses it, once.
    for (const defs of Object.values(sharedDefs)) this.ajv.addSchema(defs);
  }

  validate(group: string, kind: string, version: string, value: unknown): SchemaProblem[] {
    const validator = this.validatorFor(group, kind, version);
    if (!validator) return [];
    if (validator(value)) return [];
    const root = rootSchema(group, kind, version)!;
    return explain(root, value, validator.errors ?? []);
  }

  private validatorFor(group: string, kind: string, version: string): ValidateFunction | null {
    const key = schemaKey(group, kind, version);
    let validator = this.compiled.get(key);
    if (validator === undefined) {
      const schema = rootSchema(group, kind, version);
      validator = schema ? this.compile(schema) : null;
      this.compiled.set(key, validator);
    }
    return validator;
  }

  /** A schema ajv rejects is a generator bug (a test compiles them all); analysis goes on without it. */
  private compile(schema: object): ValidateFunction | null {
    try {
      return this.ajv.compile(schema);
    } catch {
      return null;
    }
  }
}

const shared = new SchemaValidator();

/** Problems of one document against its kind's schema; [] for a group/kind/version without one. */
export function validateAgainstSchema(group: string, kind: string, version: string, value: unknown): SchemaProblem[] {
  return shared.validate(group, kind, version, value);
}
