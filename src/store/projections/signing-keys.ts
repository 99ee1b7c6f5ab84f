import type { Projection } from "../projector.js";
import { createdBy } from "./row-metadata.js";
import { insertRow } from "./row-statements.js";

/** The instance's token-signing keys (`key_pair` aggregates). */
export const signingKeysProjection: Projection = {
  name: "signing_keys",
  tables: ["signing_keys"],
  handlers: {
    "key_pair.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "signing_keys", {
          ...createdBy(event),
          id: event.aggregateId,
          algorithm: p.algorithm,
          public_key: p.publicKey.key,
          private_key_encrypted: p.privateKey.key,
          signs_until: p.privateKey.expiry,
          published_until: p.publicKey.expiry,
        }),
      ];
    },
  },
};
