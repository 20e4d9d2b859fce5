// Column lists from the schema, for the raw SQL that drizzle cannot write (json_group_array of
// correlated subqueries, CTEs over json_each on the ingestion's hot path): rows come back keyed as the
// schema's own fields, so one description of a table serves drizzle and raw SQL alike.
import { type Column, getTableColumns } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

type Select<T extends SQLiteTable> = T["$inferSelect"];
/** As SQLite hands a value back to raw SQL: JSON columns as their text, booleans as 0 and 1. */
type Raw<C, V> = C extends Column ? (C["_"]["dataType"] extends "json" ? (null extends V ? string | null : string) : V extends boolean ? number : V) : V;

/** A row read through columnsOf or jsonObjectOf: the schema's fields (all, or those asked for), as SQLite returns them. */
export type SqlRow<T extends SQLiteTable, K extends keyof Select<T> = keyof Select<T>> = {
  [F in K]: Raw<T["_"]["columns"][F & keyof T["_"]["columns"]], Select<T>[F]>;
};

const columns = <T extends SQLiteTable>(table: T, fields?: readonly (keyof Select<T>)[]) =>
  Object.entries(getTableColumns(table))
    .filter(([field]) => !fields || fields.includes(field as keyof Select<T>))
    .map(([field, column]) => [field, column.name] as const);

/** `a.col AS field, ...`: the columns of `table` (as `alias`; all, or `fields`), named as the schema names them. */
export const columnsOf = <T extends SQLiteTable>(table: T, alias: string, fields?: readonly (keyof Select<T>)[]) =>
  columns(table, fields)
    .map(([field, name]) => `${alias}.${name} AS ${field}`)
    .join(", ");

/** `json_object('field', a.col, ...)`: a row of `table` (as `alias`) inside a JSON aggregate. */
export const jsonObjectOf = (table: SQLiteTable, alias: string) =>
  `json_object(${columns(table)
    .map(([field, name]) => `'${field}', ${alias}.${name}`)
    .join(", ")})`;
