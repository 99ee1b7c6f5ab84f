import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { Type, UserSchema } from "../../gen/zitadel/user_pb.js";
import type { AccessTokenType } from "../../domain/user.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import type { UserView } from "../../store/queries/user-queries.js";
import { actorOf } from "../call-context.js";
import { addedDetails, changedDetails, listDetails, listOptions, readDetails } from "../details.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

const userMessage = (view: UserView) =>
  create(UserSchema, {
    id: view.id,
    details: readDetails(view.details),
    state: view.state,
    userName: view.userName,
    loginNames: [view.userName],
    preferredLoginName: view.userName,
    type: { case: "machine", value: { name: view.name, description: view.description, hasSecret: view.hasSecret, accessTokenType: view.accessTokenType } },
  });

/** The wire's enum and the domain's share ZITADEL's numbers (validation has checked the value is defined). */
const accessTokenType = (value: number) => value as AccessTokenType;

/** Service users (machine users) of the org context and their personal access tokens. */
export function userService({ queries, commands }: ServiceDeps): ManagementPart {
  return {
    async addMachineUser(req, ctx) {
      const input = {
        userName: req.userName,
        name: req.name,
        description: req.description,
        accessTokenType: accessTokenType(req.accessTokenType),
        ...(req.userId ? { userId: req.userId } : {}),
      };
      const { id, details } = await commands.as(actorOf(ctx)).addMachineUser(input);
      return { userId: id, details: addedDetails(details) };
    },

    async getUserByID(req, ctx) {
      return { user: userMessage(await queries.as(actorOf(ctx)).getUser(req.id)) };
    },

    /** Only machine users exist here, so a query for humans finds nobody. */
    async listUsers(req, ctx) {
      const userNames = [];
      let ids: string[] | undefined;
      for (const { query } of req.queries) {
        if (query.case === "userNameQuery") userNames.push({ value: query.value.userName, match: query.value.method as number as TextMatch });
        else if (query.case === "inUserIdsQuery") ids = query.value.userIds;
        else if (query.case === "typeQuery") ids = query.value.type === Type.MACHINE ? ids : [];
        else if (query.case !== undefined) throw new ConnectError(`user query ${query.case} is not supported`, Code.Unimplemented);
      }
      const page = await queries.as(actorOf(ctx)).listUsers({ userNames, ids }, listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(userMessage) };
    },

    async updateMachine(req, ctx) {
      const changes = { name: req.name, description: req.description, accessTokenType: accessTokenType(req.accessTokenType) };
      return { details: changedDetails(await commands.as(actorOf(ctx)).changeMachine(req.userId, changes)) };
    },

    async deactivateUser(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).deactivateUser(req.id)) };
    },
    async reactivateUser(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).reactivateUser(req.id)) };
    },
    async removeUser(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removeUser(req.id)) };
    },

    async addPersonalAccessToken(req, ctx) {
      const expiration = req.expirationDate ? timestampDate(req.expirationDate) : undefined;
      const { tokenId, token, details } = await commands.as(actorOf(ctx)).addPersonalAccessToken(req.userId, expiration);
      return { tokenId, token, details: addedDetails(details) };
    },

    async listPersonalAccessTokens(req, ctx) {
      const page = await queries.as(actorOf(ctx)).listPersonalAccessTokens(req.userId, listOptions(req.query));
      return {
        details: listDetails(page),
        result: page.result.map((t) => ({ id: t.id, details: readDetails(t.details), expirationDate: timestampFromDate(t.expiration), scopes: ["openid"] })),
      };
    },

    async removePersonalAccessToken(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removePersonalAccessToken(req.userId, req.tokenId)) };
    },
  };
}
