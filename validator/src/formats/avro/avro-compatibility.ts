import type { Type, types } from 'avsc';

/** One reason data written with `writer` cannot be read with `reader`. */
export interface AvroIncompatibility {
  /** Where in the reader's schema, e.g. `/fields/items/items/fields/sku`; `''` is the whole schema. */
  path: string;
  /** What breaks, naming the field, symbol or union branch involved. */
  message: string;
}

/** One step down a schema: into a record field, array items, map values or a union branch. */
type Step =
  | { kind: 'field'; name: string; record: string | undefined }
  | { kind: 'items' | 'values' }
  // `detail` only extends the path (`/symbols`, `/size`, a branch with no match); the
  // message already says what it is.
  | { kind: 'branch' | 'detail'; name: string };

interface Finding {
  steps: Step[];
  /** Builds the message from a description of where the finding is, e.g. `field "sku"`. */
  say(where: string): string;
}

/** Kinds that read another kind's data as well as their own, by Avro schema resolution. */
const promotions: Record<string, readonly string[]> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  string: ['bytes'],
  bytes: ['string'],
};

/** Logical types compare as their underlying type, as Avro's Java resolver does. */
function underlying(type: Type): Type {
  let current = type;
  while (current.typeName.startsWith('logical:')) {
    current = (current as types.LogicalType).underlyingType;
  }
  return current;
}

/** The type's kind for resolution: `error` reads as `record`, unions of both wrappings as `union`. */
function kindOf(type: Type): string {
  const name = type.typeName;
  if (name === 'error') return 'record';
  if (name.startsWith('union:')) return 'union';
  if (name === 'abstract:long') return 'long';
  return name;
}

function unionBranches(type: Type): Type[] {
  return (type as types.UnwrappedUnionType).types;
}

function unqualified(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Java's `schemaNameEquals`, a little looser: unqualified names, or any reader alias. */
function namesMatch(reader: Type, writer: Type): boolean {
  if (reader.name === undefined || writer.name === undefined) return true;
  const wanted = unqualified(writer.name);
  return [reader.name, ...(reader.aliases ?? [])].some((name) => unqualified(name) === wanted);
}

function kindsMatch(reader: Type, writer: Type): boolean {
  const readerKind = kindOf(reader);
  const writerKind = kindOf(writer);
  return readerKind === writerKind || (promotions[readerKind]?.includes(writerKind) ?? false);
}

/** The branch Avro would pick from a reader union: same kind and name, or a promotion. */
function shapesMatch(reader: Type, writer: Type): boolean {
  return kindsMatch(reader, writer) && namesMatch(reader, writer);
}

function describe(type: Type): string {
  const resolved = underlying(type);
  const kind = kindOf(resolved);
  switch (kind) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `${kind} ${resolved.name ?? '(anonymous)'}`;
    case 'array':
      return `array of ${describe((resolved as types.ArrayType).itemsType)}`;
    case 'map':
      return `map of ${describe((resolved as types.MapType).valuesType as Type)}`;
    case 'union':
      return `union of ${unionBranches(resolved).map(describe).join(', ')}`;
    default:
      return kind;
  }
}

function branchName(type: Type): string {
  return underlying(type).branchName ?? kindOf(type);
}

function under(step: Step, findings: Finding[]): Finding[] {
  return findings.map((finding) => ({ ...finding, steps: [step, ...finding.steps] }));
}

function pointer(steps: Step[]): string {
  // Avro names and field names cannot hold `/` or `~`, so segments need no escaping.
  return steps
    .map((step) => {
      switch (step.kind) {
        case 'field':
          return `/fields/${step.name}`;
        case 'items':
        case 'values':
          return `/${step.kind}`;
        default:
          return `/${step.name}`;
      }
    })
    .join('');
}

function describeWhere(steps: Step[]): string {
  let where = 'the schema';
  let fieldsSeen = 0;
  for (const step of steps) {
    switch (step.kind) {
      case 'field':
        where =
          fieldsSeen === 0 || step.record === undefined
            ? `field "${step.name}"`
            : `field "${step.name}" of record ${step.record}`;
        fieldsSeen += 1;
        break;
      case 'items':
      case 'values':
        where = `the ${step.kind} of ${where}`;
        break;
      case 'branch':
        where = `branch "${step.name}" of ${where}`;
        break;
      case 'detail':
        break;
    }
  }
  return where;
}

function setIn<V>(map: Map<Type, Map<Type, V>>, reader: Type, writer: Type, value: V): void {
  const inner = map.get(reader) ?? new Map<Type, V>();
  inner.set(writer, value);
  map.set(reader, inner);
}

/**
 * Walks a reader and a writer schema together. Results are kept per (reader, writer) pair,
 * with paths relative to the pair, so shared and recursive types are checked once each.
 */
class ResolutionCheck {
  private readonly settled = new Map<Type, Map<Type, Finding[]>>();
  /** Pairs being checked, by depth on the stack; meeting one again counts as compatible. */
  private readonly inProgress = new Map<Type, Map<Type, number>>();
  private depth = 0;
  /** Shallowest in-progress pair the current check assumed compatible. */
  private assumedAt = Infinity;

  check(readerType: Type, writerType: Type): Finding[] {
    const reader = underlying(readerType);
    const writer = underlying(writerType);
    const known = this.settled.get(reader)?.get(writer);
    if (known) return known;
    const startedAt = this.inProgress.get(reader)?.get(writer);
    if (startedAt !== undefined) {
      this.assumedAt = Math.min(this.assumedAt, startedAt);
      return [];
    }

    const depth = this.depth++;
    const outerAssumedAt = this.assumedAt;
    this.assumedAt = Infinity;
    setIn(this.inProgress, reader, writer, depth);
    const findings = this.compare(reader, writer);
    this.inProgress.get(reader)?.delete(writer);
    this.depth--;
    // A result that leaned on an enclosing pair being compatible is provisional: keep it
    // only for this walk. One that leaned on itself is Java's fixed point, safe to keep.
    if (this.assumedAt >= depth) {
      setIn(this.settled, reader, writer, findings);
      this.assumedAt = outerAssumedAt;
    } else {
      this.assumedAt = Math.min(outerAssumedAt, this.assumedAt);
    }
    return findings;
  }

  private compare(reader: Type, writer: Type): Finding[] {
    if (kindOf(writer) === 'union') return this.compareWriterUnion(reader, writer);
    if (kindOf(reader) === 'union') {
      return (
        this.resolveInUnion(reader, writer, true) ?? [
          {
            steps: [],
            say: (where) =>
              `${where}: written as ${describe(writer)}, and no branch of the reader's ` +
              `${describe(reader)} can read it`,
          },
        ]
      );
    }
    if (!kindsMatch(reader, writer)) return [mismatch(reader, writer)];

    switch (kindOf(reader)) {
      case 'record':
        return [...nameFindings(reader, writer), ...this.compareFields(reader, writer)];
      case 'enum':
        return [...nameFindings(reader, writer), ...symbolFindings(reader, writer)];
      case 'fixed':
        return [...nameFindings(reader, writer), ...sizeFindings(reader, writer)];
      case 'array':
        return under(
          { kind: 'items' },
          this.check((reader as types.ArrayType).itemsType, (writer as types.ArrayType).itemsType),
        );
      case 'map':
        return under(
          { kind: 'values' },
          this.check(
            (reader as types.MapType).valuesType as Type,
            (writer as types.MapType).valuesType as Type,
          ),
        );
      default:
        return [];
    }
  }

  /** Every branch the writer can produce must be readable by the reader. */
  private compareWriterUnion(reader: Type, writer: Type): Finding[] {
    const readerIsUnion = kindOf(reader) === 'union';
    return unionBranches(writer).flatMap((branch) => {
      const name = branchName(branch);
      if (readerIsUnion) {
        const findings = this.resolveInUnion(reader, branch, false);
        if (findings) return under({ kind: 'branch', name }, findings);
        return [
          {
            steps: [{ kind: 'detail', name }],
            say: (where) =>
              `${where}: union branch "${name}" of the writer has no matching branch in the reader`,
          },
        ];
      }
      if (!kindsMatch(reader, underlying(branch))) {
        return [
          {
            steps: [{ kind: 'detail', name }],
            say: (where) =>
              `${where}: union branch "${name}" of the writer cannot be read as ${describe(reader)}`,
          },
        ];
      }
      return under({ kind: 'branch', name }, this.check(reader, branch));
    });
  }

  /**
   * Reads a non-union writer with a reader union: compatible when any branch reads it.
   * Otherwise the findings of the branch Avro would pick (or one of the same kind), or
   * `undefined` when no branch comes close.
   */
  private resolveInUnion(
    reader: Type,
    writer: Type,
    stepIntoBranch: boolean,
  ): Finding[] | undefined {
    const branches = unionBranches(reader);
    const trials = branches.map((branch) => this.check(branch, writer));
    if (trials.some((findings) => findings.length === 0)) return [];
    const resolvedWriter = underlying(writer);
    let index = branches.findIndex((branch) => shapesMatch(underlying(branch), resolvedWriter));
    if (index < 0) {
      index = branches.findIndex((branch) => kindOf(underlying(branch)) === kindOf(resolvedWriter));
    }
    const branch = branches[index];
    const findings = trials[index];
    if (branch === undefined || findings === undefined) return undefined;
    return stepIntoBranch
      ? under({ kind: 'branch', name: branchName(branch) }, findings)
      : findings;
  }

  private compareFields(reader: Type, writer: Type): Finding[] {
    const writerFields = (writer as types.RecordType).fields;
    const record = reader.name === undefined ? undefined : unqualified(reader.name);
    return (reader as types.RecordType).fields.flatMap((field) => {
      const step: Step = { kind: 'field', name: field.name, record };
      const source =
        writerFields.find((candidate) => candidate.name === field.name) ??
        writerFields.find((candidate) => field.aliases.includes(candidate.name));
      if (source) return under(step, this.check(field.type, source.type));
      if (field.defaultValue() !== undefined) return [];
      return [
        {
          steps: [step],
          say: (where) =>
            `${where} is not in the writer's schema and has no default, ` +
            `so data written with the writer's schema cannot be read`,
        },
      ];
    });
  }
}

function mismatch(reader: Type, writer: Type): Finding {
  const read = describe(reader);
  const written = describe(writer);
  return {
    steps: [],
    say: (where) =>
      `${where}: written as ${written} but read as ${read}, and ${read} cannot read ${written}`,
  };
}

function nameFindings(reader: Type, writer: Type): Finding[] {
  if (namesMatch(reader, writer)) return [];
  const writerName = writer.name ?? '';
  return [
    {
      steps: [{ kind: 'detail', name: 'name' }],
      say: (where) =>
        `${where}: written as ${describe(writer)} but read as ${describe(reader)}, ` +
        `which has neither that name nor an alias "${writerName}"`,
    },
  ];
}

function symbolFindings(reader: Type, writer: Type): Finding[] {
  const readerEnum = reader as types.EnumType;
  // avsc keeps the enum `default` (Avro 1.9+) on the type but its typings omit it.
  if ((reader as unknown as { default?: string }).default !== undefined) return [];
  const enumName = unqualified(reader.name ?? '(anonymous)');
  return (writer as types.EnumType).symbols
    .filter((symbol) => !readerEnum.symbols.includes(symbol))
    .map((symbol) => ({
      steps: [{ kind: 'detail', name: 'symbols' }],
      say: (where) =>
        `${where}: symbol "${symbol}" of enum ${enumName} is missing from the reader ` +
        `(and the reader has no default)`,
    }));
}

function sizeFindings(reader: Type, writer: Type): Finding[] {
  const readerSize = (reader as types.FixedType).size;
  const writerSize = (writer as types.FixedType).size;
  if (readerSize === writerSize) return [];
  return [
    {
      steps: [{ kind: 'detail', name: 'size' }],
      say: (where) =>
        `${where}: fixed ${unqualified(reader.name ?? '(anonymous)')} is ${writerSize} bytes ` +
        `in the writer but ${readerSize} bytes in the reader`,
    },
  ];
}

/**
 * Every reason data written with `writer` cannot be decoded with `reader`; empty when it can.
 * Follows Avro schema resolution as Java's `SchemaCompatibility` (and so Confluent) applies it.
 * Paths name what they pass through: `/fields/<name>`, `/items`, `/values`, `/<union branch>`,
 * ending in `/name`, `/symbols` or `/size` when that attribute is at fault.
 */
export function avroReaderIncompatibilities(reader: Type, writer: Type): AvroIncompatibility[] {
  return new ResolutionCheck().check(reader, writer).map((finding) => ({
    path: pointer(finding.steps),
    message: finding.say(describeWhere(finding.steps)),
  }));
}
