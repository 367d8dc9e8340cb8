// Schema-informed element grammars (EXI 1.0 section 8.5.4) for the content models the certificate
// messages use, computed from a small typed description of each complex type instead of
// hand-numbered event codes:
// - 8.5.4.1.3.1 attribute uses: one state per attribute in sorted order; an optional attribute
//   adds an epsilon to the next one, a required one does not.
// - 8.5.4.1.3.2 content: a sequence of element particles with minOccurs/maxOccurs unrolled
//   (bounded repetition, 8.5.4.1.6), or one simple-content value (CH).
// - 8.5.4.2 normalisation merges the epsilons, so a state offers the next element, every later
//   element reachable through optional particles, and EE when the rest is optional.
// - 8.5.4.3 event codes: AT(qname) sorted, then SE(qname) in schema order, then SE(*), then EE,
//   then CH.
// - 8.5.4.4.1 strict = false (the default options ISO 15118-2 uses): every element grammar state
//   gains second-level productions (xsi:type, xsi:nil, undeclared AT/SE/CH, EE where missing),
//   so each state has one more first-level code, the escape to the second level. An n-production
//   state therefore uses ceil(log2(n + 1)) bits.
import { ExiError } from './exi-error.js';

export type Production =
  | { readonly kind: 'AT'; readonly name: string }
  | { readonly kind: 'SE'; readonly name: string }
  | { readonly kind: 'SE*' }
  | { readonly kind: 'EE' }
  | { readonly kind: 'CH' };

export type Particle =
  | { readonly kind: 'element'; readonly name: string; readonly min: number; readonly max: number }
  // An element particle whose term is a substitution group head (8.5.4.1.6): one occurrence of any
  // member, members listed sorted by local name then URI.
  | { readonly kind: 'choice'; readonly names: readonly string[]; readonly min: number }
  | { readonly kind: 'value' };

export interface AttributeUse {
  readonly name: string;
  readonly required: boolean;
}

export interface TypeSpec {
  // Sorted as 8.5.4.3 requires: by local name, then by namespace URI.
  readonly attributes: readonly AttributeUse[];
  readonly content: readonly Particle[];
  // Mixed content ending in a repeated xs:any wildcard (the xmldsig *MethodType and TransformType):
  // every content state also offers SE(*) and CH [untyped]. We decode only the empty case.
  readonly mixedAny?: true;
}

export const element = (name: string, min = 1, max = 1): Particle => ({ kind: 'element', name, min, max });
export const VALUE: Particle = { kind: 'value' };
export const SIMPLE_TYPE: TypeSpec = { attributes: [], content: [VALUE] };

export class GrammarCursor {
  private attribute = 0;
  private inContent = false;
  private particle = 0;
  private count = 0;
  private ended = false;

  constructor(private readonly spec: TypeSpec) {}

  productions(): Production[] {
    if (this.ended) return [];
    const out: Production[] = [];
    if (!this.inContent) {
      for (let k = this.attribute; k < this.spec.attributes.length; k += 1) {
        const use = this.spec.attributes[k];
        if (use === undefined) break;
        out.push({ kind: 'AT', name: use.name });
        if (use.required) return out;
      }
    }
    return out.concat(this.contentProductions());
  }

  advance(production: Production): void {
    switch (production.kind) {
      case 'AT': {
        const at = this.spec.attributes.findIndex((use, k) => k >= this.attribute && use.name === production.name);
        if (this.inContent || at < 0) throw new ExiError('BAD_EVENT_CODE', `attribute ${production.name} not allowed here`);
        this.attribute = at + 1;
        return;
      }
      case 'EE':
        this.ended = true;
        return;
      case 'SE*':
        throw new ExiError('UNSUPPORTED_EVENT', 'wildcard content is not supported');
      case 'SE':
      case 'CH': {
        this.inContent = true;
        const current = this.spec.content[this.particle];
        if (current !== undefined && matches(current, production) && this.count < maxOf(current)) {
          this.count += 1;
          return;
        }
        for (let q = this.particle + 1; q < this.spec.content.length; q += 1) {
          const next = this.spec.content[q];
          if (next !== undefined && matches(next, production)) {
            this.particle = q;
            this.count = 1;
            return;
          }
        }
        throw new ExiError('BAD_EVENT_CODE', `unexpected ${production.kind}`);
      }
    }
  }

  private contentProductions(): Production[] {
    const out: Production[] = [];
    let reachesEnd = true;
    for (let q = this.particle; q < this.spec.content.length; q += 1) {
      const particle = this.spec.content[q];
      if (particle === undefined) break;
      const done = q === this.particle ? this.count : 0;
      if (done < maxOf(particle)) out.push(...startOf(particle));
      if (done < minOf(particle)) {
        reachesEnd = false;
        break;
      }
    }
    if (this.spec.mixedAny === true) out.push({ kind: 'SE*' });
    if (reachesEnd) out.push({ kind: 'EE' });
    if (this.spec.mixedAny === true) out.push({ kind: 'CH' });
    return out;
  }
}

const maxOf = (particle: Particle): number => (particle.kind === 'element' ? particle.max : 1);
const minOf = (particle: Particle): number => (particle.kind === 'value' ? 1 : particle.min);

const startOf = (particle: Particle): Production[] => {
  switch (particle.kind) {
    case 'value':
      return [{ kind: 'CH' }];
    case 'element':
      return [{ kind: 'SE', name: particle.name }];
    case 'choice':
      return particle.names.map((name) => ({ kind: 'SE', name }));
  }
};

const matches = (particle: Particle, production: Production): boolean => {
  switch (particle.kind) {
    case 'value':
      return production.kind === 'CH';
    case 'element':
      return production.kind === 'SE' && production.name === particle.name;
    case 'choice':
      return production.kind === 'SE' && particle.names.includes(production.name);
  }
};

export const sameProduction = (a: Production, b: Production): boolean =>
  a.kind === b.kind && ('name' in a ? 'name' in b && a.name === b.name : true);
