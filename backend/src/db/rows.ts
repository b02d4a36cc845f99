import { getTableColumns, type InferSelectModel, type Table } from "drizzle-orm";

/**
 * Reads a result row (an array, in the table's column order) as the table's model, decoding each
 * value with its column as Drizzle does. Drizzle's own mapper is generic over nested selections
 * and costs ~1.2 µs a row; this one knows the shape, for the list queries that return 50 rows.
 */
export function rowReader<T extends Table>(table: T) {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({
    key,
    decode: (value: unknown) => column.mapFromDriverValue(value),
  }));
  return (row: unknown[]): InferSelectModel<T> => {
    const model: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const { key, decode } = columns[i] as (typeof columns)[number];
      const value = row[i];
      model[key] = value === null ? null : decode(value);
    }
    return model as InferSelectModel<T>;
  };
}
