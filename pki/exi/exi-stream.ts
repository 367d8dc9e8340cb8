// One EXI stream being read or written: the bits, the string table and the event-code plumbing
// shared by every element codec. EXI 1.0 section 5 (header) and 6 (event codes).
import { BitReader } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';
import { ExiError } from './exi-error.js';
import { GrammarCursor, sameProduction, SIMPLE_TYPE, type Production, type TypeSpec } from './grammar.js';
import { bitsFor } from './primitives.js';
import { StringTable } from './string-table.js';

// EXI header (section 5): distinguishing bits 10, no options document, final version 1 -> 0x80.
const HEADER = 0x80;

export class ExiReader {
  readonly bits: BitReader;
  readonly strings = new StringTable();

  constructor(bytes: Uint8Array) {
    this.bits = new BitReader(bytes);
    if (this.bits.readBits(8) !== HEADER) throw new ExiError('BAD_HEADER', 'not an EXI 1.0 stream without options');
  }

  // A document or fragment grammar code (no second level: DT/CM/PI are not preserved).
  readCode(count: number): number {
    const code = this.bits.readBits(bitsFor(count));
    if (code >= count) throw new ExiError('BAD_EVENT_CODE', `event code ${code} out of ${count}`);
    return code;
  }

  // An element grammar code: the productions plus the escape to the second level.
  readEvent(cursor: GrammarCursor): Production {
    const productions = cursor.productions();
    const code = this.bits.readBits(bitsFor(productions.length + 1));
    if (code === productions.length) throw new ExiError('UNSUPPORTED_EVENT', 'second-level events are not supported');
    const production = productions[code];
    if (production === undefined) throw new ExiError('BAD_EVENT_CODE', `event code ${code} out of ${productions.length + 1}`);
    if (production.kind === 'SE*' || (production.kind === 'CH' && productions.some((p) => p.kind === 'SE*'))) {
      throw new ExiError('UNSUPPORTED_EVENT', 'wildcard or mixed content is not supported');
    }
    cursor.advance(production);
    return production;
  }

  expect(cursor: GrammarCursor, wanted: Production): void {
    const production = this.readEvent(cursor);
    if (!sameProduction(production, wanted)) {
      throw new ExiError('UNSUPPORTED_EVENT', `expected ${describe(wanted)}, got ${describe(production)}`);
    }
  }

  // After ED only the padding of the last byte may remain (EXI 1.0 section 6, bit-packed).
  expectEnd(): void {
    if (this.bits.remainingBits() >= 8) throw new ExiError('TRAILING_DATA', 'bytes after the end of the document');
  }

  // An element of simple type, after its SE: CH [schema-typed value], then EE.
  simple<T>(read: () => T): T {
    const cursor = new GrammarCursor(SIMPLE_TYPE);
    this.expect(cursor, { kind: 'CH' });
    const value = read();
    this.expect(cursor, { kind: 'EE' });
    return value;
  }
}

export class ExiWriter {
  readonly bits = new BitWriter();
  readonly strings = new StringTable();

  constructor() {
    this.bits.writeBits(HEADER, 8);
  }

  writeCode(code: number, count: number): void {
    this.bits.writeBits(code, bitsFor(count));
  }

  event(cursor: GrammarCursor, wanted: Production): void {
    const productions = cursor.productions();
    const code = productions.findIndex((p) => sameProduction(p, wanted));
    if (code < 0) throw new ExiError('INVALID_MESSAGE', `${describe(wanted)} not allowed here`);
    this.bits.writeBits(code, bitsFor(productions.length + 1));
    cursor.advance(wanted);
  }

  simple(write: () => void): void {
    const cursor = new GrammarCursor(SIMPLE_TYPE);
    this.event(cursor, { kind: 'CH' });
    write();
    this.event(cursor, { kind: 'EE' });
  }

  toBytes(): Uint8Array {
    return this.bits.toBytes();
  }
}

export const cursorFor = (spec: TypeSpec): GrammarCursor => new GrammarCursor(spec);

const describe = (p: Production): string => ('name' in p ? `${p.kind}(${p.name})` : p.kind);
