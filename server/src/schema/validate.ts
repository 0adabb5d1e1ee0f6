// Structural validation of Kyverno documents against the generated CRD schemas, with ajv's errors
// turned into problems a person can act on: one per mistake, at the key or value to fix.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
 * The one configuration validators are compiled with: here at run time, and by scripts/build.mjs
 * into standalone code (`source`), so both give the same errors.
 */
export function newAjv(source = false): Ajv {
  // No `verbose` and no ajv messages: they add about half again to the compile time, and the data
  // and schema of an error are found from its paths when (rarely) needed.
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false, inlineRefs: false, messages: false, code: { source } });
  // Only the formats the apiserver checks the same way; the generator left the others as x-format.
  addFormats(ajv, ['date-time', 'int32', 'int64']);
  ajv.addKeyword({ keyword: 'x-format', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'x-preserve-unknown-fields', schemaType: 'boolean' });
  // Registered, not compiled: ajv compiles a shared definition when a schema first uses it, once.
  for (const defs of Object.values(sharedDefs)) ajv.addSchema(defs);
  return ajv;
}

/** The file name of a schema's standalone validator (`kyverno.io/ClusterPolicy/v1` -> `kyverno.io_ClusterPolicy_v1.js`). */
export const validatorFileName = (key: string): string => `${key.replace(/\//g, '_')}.js`;

/**
 * Where the build put the standalone validators: `validators/` beside the bundle. Running from
 * sources there is none, and validators are compiled on first use instead.
 */
function precompiledDirectory(): string | undefined {
  const dir = typeof __dirname === 'string' ? join(__dirname, 'validators') : undefined;
  return dir && existsSync(dir) ? dir : undefined;
}

/**
 * Validators per schema, loaded on first use: compiled at build time into standalone code (a
 * `check` would otherwise spend up to a hundred milliseconds per policy schema compiling at every
 * start, in every worker), or compiled here when running from sources. Validating a document
 * costs microseconds either way. The functions are immutable, so one cache per process is safe to share.
 */
export class SchemaValidator {
  private ajvInstance: Ajv | undefined;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(private readonly precompiled: string | undefined = precompiledDirectory()) {}

  private get ajv(): Ajv {
    return (this.ajvInstance ??= newAjv());
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
      validator = schema ? this.load(key) ?? this.compile(schema) : null;
      this.compiled.set(key, validator);
    }
    return validator;
  }

  private load(key: string): ValidateFunction | undefined {
    const file = this.precompiled && join(this.precompiled, validatorFileName(key));
    if (!file || !existsSync(file)) return undefined;
    // A path known only at run time: esbuild leaves this require to Node.
    return require(file) as ValidateFunction;
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
