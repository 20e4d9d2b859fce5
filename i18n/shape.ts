// What every language's messages hold: the same keys as English (en.ts), any words.
import type en from "./en";

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type Messages = Shape<typeof en>;
