import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { KeySchema } from "../gen/zitadel/auth_n_key_pb.js";
import type { KeyView } from "../store/queries/key-view.js";
import { readDetails } from "./details.js";

/** An app's or a service user's key as reads show it (zitadel.authn.v1.Key). */
export const keyMessage = (view: KeyView) =>
  create(KeySchema, { id: view.id, type: view.type, expirationDate: timestampFromDate(view.expiration), details: readDetails(view.details) });
