// The embedded database's autovacuum decides as PostgreSQL's does with its default settings:
// dead rows over 50 + 20%, inserts over 1,000 + 20%, changes over 50 + 10% (analyze only), and
// transaction ids older than 200 million whatever else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maintenanceFor, type TableActivity } from '../../src/jobs/embedded-vacuum.js';

const quiet: TableActivity = { tuples: 10_000, dead: 0, insertedSinceVacuum: 0, modifiedSinceAnalyze: 0, xidAge: 1_000 };

describe('embedded vacuum thresholds', () => {
  const cases: [string, Partial<TableActivity>, ReturnType<typeof maintenanceFor>][] = [
    ['a quiet table', {}, null],
    ['dead rows at the threshold (50 + 20% of 10,000)', { dead: 2_050 }, null],
    ['dead rows one over it', { dead: 2_051 }, 'vacuum'],
    ['inserts at the threshold (1,000 + 20%)', { insertedSinceVacuum: 3_000 }, null],
    ['inserts one over it', { insertedSinceVacuum: 3_001 }, 'vacuum'],
    ['changes at the analyze threshold (50 + 10%)', { modifiedSinceAnalyze: 1_050 }, null],
    ['changes one over it: analyze, not vacuum', { modifiedSinceAnalyze: 1_051 }, 'analyze'],
    ['dead rows win over the analyze-only case', { dead: 5_000, modifiedSinceAnalyze: 5_000 }, 'vacuum'],
    ['transaction ids past 200 million on a quiet table', { xidAge: 200_000_001 }, 'vacuum'],
    ['a table never analyzed (reltuples -1) counts as empty', { tuples: -1, dead: 51 }, 'vacuum'],
    ['an empty table with 50 dead rows', { tuples: 0, dead: 50 }, null],
  ];
  for (const [name, change, expected] of cases) {
    it(name, () => assert.equal(maintenanceFor({ ...quiet, ...change }), expected));
  }
});
