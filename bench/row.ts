/** One row of `npm run bench`'s table. */
export interface Row {
  id: string;
  scenario: string;
  load: string;
  time: string;
  throughput: string;
  ratio: string;
  p50: string;
  tail: string;
  central: string;
  tenant: string;
  cpuPerOp: string;
  cpu: string;
  target: string;
  met: string;
}

/** A row with every column empty, for the rows that fill only some of them. */
export const blankRow: Row = {
  id: '',
  scenario: '',
  load: '',
  time: '',
  throughput: '',
  ratio: '',
  p50: '',
  tail: '',
  central: '',
  tenant: '',
  cpuPerOp: '',
  cpu: '',
  target: '',
  met: '',
};
