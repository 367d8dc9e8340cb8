// EXI 1.0 section 7.3: the value partitions of the string table. One table per EXI stream: every
// fragment we digest starts a fresh one. Values are keyed by the qname of the element or attribute
// that carries them (the local partition) and also kept in the one global partition.
//
// Reading always follows the header's default options (valueMaxLength and valuePartitionCapacity
// unbounded), so a local or global hit from any conforming encoder decodes. Writing defaults to
// what the ISO 15118-2 ecosystem emits: every string as a literal, as with valuePartitionCapacity
// 0 (the C codecs have no value table; EXIficient-based stacks set the capacity to 0). The vectors
// and the 209-byte SignedInfo known answer repeat the canonical-exi URI as a literal, which pins
// this down. A literal is a valid encoding under the default options too.
import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import { ExiError } from './exi-error.js';
import { bitsFor, codePointLength, readCharacters, readUnsigned, writeCharacters, writeUnsigned } from './primitives.js';

export type ValueIndexing = 'literal-only' | 'partitions';

export class StringTable {
  constructor(private readonly writeIndexing: ValueIndexing = 'literal-only') {}

  private readonly global: string[] = [];
  private readonly globalIndex = new Map<string, number>();
  private readonly local = new Map<string, { values: string[]; index: Map<string, number> }>();

  // 7.3.3: 0 = local hit, 1 = global hit, n >= 2 = a literal of n - 2 characters.
  read(reader: BitReader, qname: string): string {
    const head = readUnsigned(reader);
    const partition = this.local.get(qname);
    if (head === 0) {
      const values = partition?.values ?? [];
      const id = reader.readBits(bitsFor(values.length));
      const value = values[id];
      if (value === undefined) throw new ExiError('BAD_VALUE', `no local string ${id} for ${qname}`);
      return value;
    }
    if (head === 1) {
      const id = reader.readBits(bitsFor(this.global.length));
      const value = this.global[id];
      if (value === undefined) throw new ExiError('BAD_VALUE', `no global string ${id}`);
      return value;
    }
    const value = readCharacters(reader, head - 2);
    this.add(qname, value);
    return value;
  }

  // Prefer a local hit, then a global hit, as 7.3.3 lists them; otherwise write the literal.
  write(writer: BitWriter, qname: string, value: string): void {
    if (this.writeIndexing === 'literal-only') {
      writeUnsigned(writer, codePointLength(value) + 2);
      writeCharacters(writer, value);
      return;
    }
    const partition = this.local.get(qname);
    const localId = partition?.index.get(value);
    if (partition !== undefined && localId !== undefined) {
      writeUnsigned(writer, 0);
      writer.writeBits(localId, bitsFor(partition.values.length));
      return;
    }
    const globalId = this.globalIndex.get(value);
    if (globalId !== undefined) {
      writeUnsigned(writer, 1);
      writer.writeBits(globalId, bitsFor(this.global.length));
      return;
    }
    writeUnsigned(writer, codePointLength(value) + 2);
    writeCharacters(writer, value);
    this.add(qname, value);
  }

  // Empty strings are never added (7.3.3: only values with length > 0).
  private add(qname: string, value: string): void {
    if (value.length === 0) return;
    let partition = this.local.get(qname);
    if (partition === undefined) {
      partition = { values: [], index: new Map() };
      this.local.set(qname, partition);
    }
    if (!partition.index.has(value)) {
      partition.index.set(value, partition.values.length);
      partition.values.push(value);
    }
    if (!this.globalIndex.has(value)) {
      this.globalIndex.set(value, this.global.length);
      this.global.push(value);
    }
  }
}
