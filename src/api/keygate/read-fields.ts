import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ReadDetails } from "../../store/queries/projections-read.js";

/** The fields every keygate.v1 object carries from its projected row: creation and change dates, sequence. */
export const readFields = (details: ReadDetails) => ({
  creationDate: timestampFromDate(details.creationDate),
  changeDate: timestampFromDate(details.changeDate),
  sequence: BigInt(details.sequence),
});
