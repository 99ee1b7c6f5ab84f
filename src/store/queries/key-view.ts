import type { Selectable } from "kysely";
import type { AppKeysTable, MachineKeysTable } from "../schema.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

/** What a read shows of an app's or a service user's key: never the key itself. */
export interface KeyView {
  id: string;
  type: number;
  expiration: Date;
  details: ReadDetails;
}

/** A key's change date is its creation date: keys never change. */
export const toKeyView = (row: Selectable<AppKeysTable> | Selectable<MachineKeysTable>): KeyView => ({
  id: row.id,
  type: row.type,
  expiration: row.expiration,
  details: { ...readDetails(row, row.owner), changeDate: row.creation_date },
});
