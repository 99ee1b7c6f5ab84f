/** What every read response carries of a projected row: ZITADEL's read-type details. */
export interface ReadDetails {
  sequence: number;
  creationDate: Date;
  changeDate: Date;
  resourceOwner: string;
}

export const readDetails = (row: { sequence: number; creation_date: Date; change_date: Date }, owner: string): ReadDetails => ({
  sequence: row.sequence,
  creationDate: row.creation_date,
  changeDate: row.change_date,
  resourceOwner: owner,
});
