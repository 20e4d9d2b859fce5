// Column lists from the schema, for the raw SQL that drizzle cannot write (json_group_array of
// correlated subqueries, in the read model): rows come back keyed as the schema's own fields, so one
// description of a table serves drizzle and raw SQL alike.
import { getTableColumns } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/** A row read through columnsOf or jsonObjectOf: the schema's fields, booleans as SQLite's 0 and 1. */
export type SqlRow<T extends SQLiteTable> = { [K in keyof T["$inferSelect"]]: T["$inferSelect"][K] extends boolean ? number : T["$inferSelect"][K] };

const columns = (table: SQLiteTable) => Object.entries(getTableColumns(table)).map(([field, column]) => [field, column.name] as const);

/** `a.col AS field, ...`: every column of `table` (as `alias`), named as the schema names it. */
export const columnsOf = (table: SQLiteTable, alias: string) =>
  columns(table)
    .map(([field, name]) => `${alias}.${name} AS ${field}`)
    .join(", ");

/** `json_object('field', a.col, ...)`: a row of `table` (as `alias`) inside a JSON aggregate. */
export const jsonObjectOf = (table: SQLiteTable, alias: string) =>
  `json_object(${columns(table)
    .map(([field, name]) => `'${field}', ${alias}.${name}`)
    .join(", ")})`;
