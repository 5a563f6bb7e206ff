/**
 * The few schema building blocks the config file needs: each field checks a JSON value, fills in its
 * default, reports every problem at its path, and describes itself as JSON Schema (draft 2020-12) for
 * editors. The synth checks the config at every run; a general schema library took about a sixth of
 * the app's time to load and build, for these dozen kinds of field (issue 34).
 */

export type Path = readonly (string | number)[];

/** A problem found in a value, at its path from the value checked. */
export interface Issue {
  readonly path: Path;
  readonly message: string;
}

/** What a field's check sees: the parsed value, and where to report problems, at paths relative to it. */
export interface CheckContext<T> {
  readonly value: T;
  readonly issues: { message: string; path?: Path }[];
}

export type ParseResult<T> = { readonly success: true; readonly data: T; readonly issues: readonly Issue[] }
  | { readonly success: false; readonly data?: undefined; readonly issues: readonly Issue[] };

/** JSON Schema keywords. */
export type Annotations = Record<string, unknown>;

/**
 * A problem as a parse records it. A blocking one (a wrong type, a failed check) stops the checks of
 * the fields around it, which would only repeat it; an unknown field or an empty list or string does not.
 */
interface Found extends Issue {
  readonly blocking: boolean;
}

interface Check<T> {
  // A method, so a check of a string is still a check of a field of unknown type (bivariant).
  run(ctx: CheckContext<T>): void;
  readonly blocking: boolean;
}

/** What a field's own parse returns when the value is not of its type (reported already). */
const INVALID: unique symbol = Symbol('invalid');
type Parsed<T> = T | typeof INVALID;

export abstract class Field<T> {
  /** The type a parse gives (for `Output`; never set). */
  declare readonly _output: T;
  /** Whether an object may leave this field out. */
  readonly acceptsMissing: boolean = false;
  private annotations: Annotations = {};
  private checks: readonly Check<T>[] = [];

  /** Checks `input`, returning the value with its defaults filled in, or every problem found. */
  safeParse(input: unknown): ParseResult<T> {
    const found: Found[] = [];
    const value = this.read(input, [], found);
    const issues = found.map(({ path, message }) => ({ path, message }));
    return issues.length === 0 ? { success: true, data: value as T, issues } : { success: false, issues };
  }

  /** This field as JSON Schema. */
  jsonSchema(): Annotations {
    return { ...this.schema(), ...this.annotations };
  }

  /** The same field with JSON Schema keywords added (a description, a pattern, bounds for editors). */
  meta(annotations: Annotations): this {
    return this.with({ annotations: { ...this.annotations, ...annotations } });
  }

  /** The same field with a check of the parsed value, run when the value has no problem of its own. */
  check(run: (ctx: CheckContext<T>) => void): this {
    return this.withCheck({ run, blocking: true });
  }

  optional(): Field<T | undefined> {
    return new Optional(this);
  }

  /** When missing, a copy of `value`, which the checks added before this call do not see. */
  default(value: Exclude<T, undefined>): Field<Exclude<T, undefined>> {
    return new Default(this, value, false);
  }

  /** When missing, the field parses a copy of `value` instead (so its own defaults and checks apply). */
  prefault(value: unknown): Field<Exclude<T, undefined>> {
    return new Default(this, value, true) as Field<Exclude<T, undefined>>;
  }

  /** @internal Parses and checks `input`, adding problems to `found`. */
  read(input: unknown, at: Path, found: Found[]): Parsed<T> {
    const start = found.length;
    const value = this.parse(input, at, found);
    if (value === INVALID) return INVALID;
    let blocked = found.slice(start).some((f) => f.blocking);
    for (const check of this.checks) {
      if (blocked && check.blocking) continue;
      const issues: { message: string; path?: Path }[] = [];
      check.run({ value, issues });
      for (const issue of issues) found.push({ path: [...at, ...(issue.path ?? [])], message: issue.message, blocking: check.blocking });
      blocked ||= check.blocking && issues.length > 0;
    }
    return value;
  }

  protected abstract parse(input: unknown, at: Path, found: Found[]): Parsed<T>;
  protected abstract schema(): Annotations;

  protected withCheck(check: Check<T>): this {
    return this.with({ checks: [...this.checks, check] });
  }

  private with(change: { annotations?: Annotations; checks?: readonly Check<T>[] }): this {
    return Object.assign(Object.create(Object.getPrototypeOf(this)) as this, this, change);
  }
}

/** The type a field's parse gives. */
export type Output<F> = F extends { readonly _output: infer T } ? T : never;

/** "must be a string (got number 3)", or "is required" when the value is missing. */
function wrongType(at: Path, input: unknown, expected: string): Found {
  return { path: at, message: input === undefined ? 'is required' : `must be ${expected} (got ${describe(input)})`, blocking: true };
}

/** A value as a problem quotes it. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}

/** An empty string or list, reported without stopping the checks around it. */
function notEmpty(message: string): Check<{ readonly length: number }> {
  return { run: (ctx) => { if (ctx.value.length === 0) ctx.issues.push({ message }); }, blocking: false };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value of one JSON type: a string, a number or a boolean. */
class Primitive<T> extends Field<T> {
  constructor(private readonly type: 'string' | 'number' | 'boolean', private readonly expected: string) {
    super();
  }

  protected parse(input: unknown, at: Path, found: Found[]): Parsed<T> {
    if (typeof input === this.type) return input as T;
    found.push(wrongType(at, input, this.expected));
    return INVALID;
  }

  protected schema(): Annotations {
    return { type: this.type };
  }
}

class Text extends Primitive<string> {
  /** At least one character. */
  nonEmpty(message = 'must not be empty'): this {
    return this.withCheck(notEmpty(message)).meta({ minLength: 1 });
  }
}

class OneOf<T extends string> extends Field<T> {
  constructor(private readonly values: readonly T[], private readonly reason: string) {
    super();
  }

  protected parse(input: unknown, at: Path, found: Found[]): Parsed<T> {
    if (this.values.includes(input as T)) return input as T;
    found.push({ path: at, message: input === undefined ? 'is required' : `${this.reason} (got ${JSON.stringify(input)})`, blocking: true });
    return INVALID;
  }

  protected schema(): Annotations {
    return { type: 'string', enum: [...this.values] };
  }
}

class Never extends Field<never> {
  constructor(private readonly message: string) {
    super();
  }

  protected parse(_input: unknown, at: Path, found: Found[]): Parsed<never> {
    found.push({ path: at, message: this.message, blocking: true });
    return INVALID;
  }

  protected schema(): Annotations {
    return { not: {} };
  }
}

class List<T> extends Field<T[]> {
  constructor(private readonly item: Field<T>) {
    super();
  }

  /** At least one item. */
  nonEmpty(message: string): this {
    return this.withCheck(notEmpty(message)).meta({ minItems: 1 });
  }

  protected parse(input: unknown, at: Path, found: Found[]): Parsed<T[]> {
    if (!Array.isArray(input)) {
      found.push(wrongType(at, input, 'a list'));
      return INVALID;
    }
    return input.map((item, i) => this.item.read(item, [...at, i], found) as T);
  }

  protected schema(): Annotations {
    return { type: 'array', items: this.item.jsonSchema() };
  }
}

/** A JSON object used as a map: any keys, each value a `value`. */
class Dictionary<T> extends Field<Record<string, T>> {
  constructor(private readonly value: Field<T>) {
    super();
  }

  protected parse(input: unknown, at: Path, found: Found[]): Parsed<Record<string, T>> {
    if (!isObject(input)) {
      found.push(wrongType(at, input, 'a JSON object'));
      return INVALID;
    }
    return Object.fromEntries(Object.entries(input).map(([key, v]) => [key, this.value.read(v, [...at, key], found) as T]));
  }

  protected schema(): Annotations {
    return { type: 'object', additionalProperties: this.value.jsonSchema() };
  }
}

/** The fields of an object, by name. */
export type Shape = { readonly [key: string]: Field<unknown> };
type MissingKeys<S extends Shape> = { [K in keyof S]: undefined extends Output<S[K]> ? K : never }[keyof S];
type Flatten<T> = { [K in keyof T]: T[K] };
export type ObjectOutput<S extends Shape> = Flatten<
  { -readonly [K in Exclude<keyof S, MissingKeys<S>>]: Output<S[K]> } & { -readonly [K in MissingKeys<S>]?: Output<S[K]> }
>;

/** A JSON object with the fields of `shape` and no others. */
class Strict<S extends Shape> extends Field<ObjectOutput<S>> {
  constructor(private readonly shape: S, private readonly unknownField: string) {
    super();
  }

  protected parse(input: unknown, at: Path, found: Found[]): Parsed<ObjectOutput<S>> {
    if (!isObject(input)) {
      found.push(wrongType(at, input, 'a JSON object'));
      return INVALID;
    }
    const output: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(this.shape)) {
      const value = field.read(input[key], [...at, key], found);
      // A field left out stays out, unless a default fills it.
      if (value !== undefined || Object.hasOwn(input, key)) output[key] = value;
    }
    // An unknown field says nothing of the known ones: their checks still run.
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(this.shape, key)) found.push({ path: [...at, key], message: this.unknownField, blocking: false });
    }
    return output as ObjectOutput<S>;
  }

  protected schema(): Annotations {
    const properties = Object.fromEntries(Object.entries(this.shape).map(([key, field]) => [key, field.jsonSchema()]));
    const required = Object.entries(this.shape).filter(([, field]) => !field.acceptsMissing).map(([key]) => key);
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
  }
}

class Optional<T> extends Field<T | undefined> {
  override readonly acceptsMissing = true;

  constructor(private readonly inner: Field<T>) {
    super();
  }

  protected parse(input: unknown, at: Path, found: Found[]): Parsed<T | undefined> {
    return input === undefined ? undefined : this.inner.read(input, at, found);
  }

  protected schema(): Annotations {
    return this.inner.jsonSchema();
  }
}

class Default<T> extends Field<Exclude<T, undefined>> {
  override readonly acceptsMissing = true;

  /** `parsed`: the default is an input the inner field parses, not the value itself. */
  constructor(private readonly inner: Field<T>, private readonly value: unknown, private readonly parsed: boolean) {
    super();
  }

  protected parse(input: unknown, at: Path, found: Found[]): Parsed<Exclude<T, undefined>> {
    if (input !== undefined) return this.inner.read(input, at, found) as Parsed<Exclude<T, undefined>>;
    // A copy: the parsed config is the caller's to change.
    const value = structuredClone(this.value);
    return (this.parsed ? this.inner.read(value, at, found) : value) as Parsed<Exclude<T, undefined>>;
  }

  protected schema(): Annotations {
    return { default: this.value, ...this.inner.jsonSchema() };
  }
}

export const string = (): Text => new Text('string', 'a string');
export const number = (): Field<number> => new Primitive<number>('number', 'a number');
export const boolean = (): Field<boolean> => new Primitive<boolean>('boolean', 'true or false');
/** One of `values`; anything else is refused with `reason` and the value given. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, reason: string): Field<T[number]> => new OneOf<T[number]>(values, reason);
/** A field no value passes, refused with `message` (a replaced field, kept to say what replaced it). */
export const never = (message: string): Field<never> => new Never(message);
export const list = <T>(item: Field<T>): List<T> => new List(item);
export const dictionary = <T>(value: Field<T>): Dictionary<T> => new Dictionary(value);
/** An object of `shape`'s fields; any other field is refused with `unknownField`. */
export const strictObject = <S extends Shape>(shape: S, unknownField: string): Strict<S> => new Strict(shape, unknownField);

/** The JSON Schema document of `root`. */
export function jsonSchemaDocument(root: Field<unknown>): Annotations {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...root.jsonSchema() };
}
