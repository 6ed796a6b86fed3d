/** For DDL that cannot take bind parameters (CREATE ROLE ... PASSWORD, CREATE DATABASE). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Assumes standard_conforming_strings = on (the default since PostgreSQL 9.1). */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('NUL bytes cannot appear in a SQL literal');
  return `'${value.replace(/'/g, "''")}'`;
}
