import { describe, expect, test } from "vitest";
import { addInstance } from "../../src/domain/instance.js";
import { addInstanceMember } from "../../src/domain/member.js";
import {
  addMachineUser,
  AccessTokenType,
  addPersonalAccessToken,
  changeMachine,
  deactivateUser,
  reactivateUser,
  removePersonalAccessToken,
  removeUser,
  type MachineUserState,
  type UserState,
} from "../../src/domain/user.js";
import { constraintKeys, expectClaimError, expectDomainError } from "./expect-domain-error.js";

const NOW = new Date("2025-10-01T12:00:00Z");
const user: UserState = { id: "u1", owner: "o1", userName: "svc", state: "active" };
const inactiveUser: UserState = { ...user, state: "inactive" };
const onUser = (type: string, payload: unknown) => ({ aggregateType: "user", aggregateId: "u1", type, payload });

describe("addMachineUser", () => {
  test("emits user.machine.added {userName,name} and claims usernames on userName+orgId", () => {
    const decision = addMachineUser("u1", "o1", { userName: "svc", name: "Service" });
    expect(decision.events).toStrictEqual([onUser("user.machine.added", { userName: "svc", name: "Service" })]);
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([{ action: "add", type: "usernames", field: "svco1" }]);
    expectClaimError(decision.uniqueConstraints[0], "User already exists");
  });

  test("a description is carried when given and left out when empty", () => {
    expect(addMachineUser("u1", "o1", { userName: "svc", name: "S", description: "d" }).events[0]!.payload).toStrictEqual({
      userName: "svc",
      name: "S",
      description: "d",
    });
    expect(addMachineUser("u1", "o1", { userName: "svc", name: "S", description: "" }).events[0]!.payload).toStrictEqual({ userName: "svc", name: "S" });
  });

  test("accessTokenType JWT is carried; BEARER, the default, is left out (ZITADEL's omitempty)", () => {
    expect(addMachineUser("u1", "o1", { userName: "svc", name: "S", accessTokenType: AccessTokenType.Jwt }).events[0]!.payload).toStrictEqual({
      userName: "svc",
      name: "S",
      accessTokenType: 1,
    });
    expect(addMachineUser("u1", "o1", { userName: "svc", name: "S", accessTokenType: AccessTokenType.Bearer }).events[0]!.payload).toStrictEqual({
      userName: "svc",
      name: "S",
    });
  });

  test.each([
    ["empty user name", { userName: "", name: "S" }],
    ["blank user name", { userName: "  ", name: "S" }],
    ["empty name", { userName: "svc", name: "" }],
    ["blank name", { userName: "svc", name: " \t" }],
  ])("%s → InvalidArgument", (_name, input) => {
    expectDomainError(() => addMachineUser("u1", "o1", input), "InvalidArgument", "COMMAND-bm9Ds");
  });
});

describe("changeMachine", () => {
  const machine: MachineUserState = { ...user, name: "S", description: "d", accessTokenType: AccessTokenType.Bearer, hasSecret: false };
  const same = { name: "S", description: "d", accessTokenType: AccessTokenType.Bearer };

  test("emits user.machine.changed with only what differs", () => {
    expect(changeMachine(machine, { ...same, accessTokenType: AccessTokenType.Jwt }).events).toStrictEqual([onUser("user.machine.changed", { accessTokenType: 1 })]);
    expect(changeMachine({ ...machine, accessTokenType: AccessTokenType.Jwt }, same).events).toStrictEqual([onUser("user.machine.changed", { accessTokenType: 0 })]);
    expect(changeMachine(machine, { ...same, name: "T", description: "" }).events).toStrictEqual([onUser("user.machine.changed", { name: "T", description: "" })]);
  });

  test("no change → FailedPrecondition COMMAND-2n8vs; unknown user → NotFound; blank name → InvalidArgument", () => {
    expectDomainError(() => changeMachine(machine, same), "FailedPrecondition", "COMMAND-2n8vs", "Errors.User.NotChanged");
    expectDomainError(() => changeMachine(undefined, same), "NotFound", "COMMAND-5M0od");
    expectDomainError(() => changeMachine(machine, { ...same, name: " " }), "InvalidArgument", "COMMAND-bm9Ds");
  });
});

describe("user lifecycle", () => {
  test("deactivateUser emits user.deactivated; an inactive user → FailedPrecondition; unknown → NotFound", () => {
    expect(deactivateUser(user).events).toStrictEqual([onUser("user.deactivated", null)]);
    expectDomainError(() => deactivateUser(inactiveUser), "FailedPrecondition", "COMMAND-5M0sf");
    expectDomainError(() => deactivateUser(undefined), "NotFound", "COMMAND-m0gDf");
  });

  test("reactivateUser emits user.reactivated; an active user → FailedPrecondition; unknown → NotFound", () => {
    expect(reactivateUser(inactiveUser).events).toStrictEqual([onUser("user.reactivated", null)]);
    expectDomainError(() => reactivateUser(user), "FailedPrecondition", "COMMAND-6M0sf");
    expectDomainError(() => reactivateUser(undefined), "NotFound", "COMMAND-4M9ds");
  });

  test("removeUser emits user.removed {userName} and releases the usernames claim it made", () => {
    const decision = removeUser(user);
    expect(decision.events).toStrictEqual([onUser("user.removed", { userName: "svc" })]);
    const claimed = constraintKeys(addMachineUser("u1", "o1", { userName: "svc", name: "S" }).uniqueConstraints)[0]!;
    expect(constraintKeys(decision.uniqueConstraints)).toEqual([{ ...claimed, action: "remove" }]);
    expectDomainError(() => removeUser(undefined), "NotFound", "COMMAND-vaWd2");
  });
});

describe("personal access tokens", () => {
  test("addPersonalAccessToken emits the ISO expiration, the openid scope and the token digest", () => {
    const expiration = new Date("2030-01-01T00:00:00Z");
    const decision = addPersonalAccessToken(user, "t1", "digest", expiration, NOW);
    expect(decision.events).toStrictEqual([
      onUser("user.personal.access.token.added", { tokenId: "t1", expiration: "2030-01-01T00:00:00.000Z", scopes: ["openid"], tokenDigest: "digest" }),
    ]);
    expect(decision.uniqueConstraints).toEqual([]);
  });

  test("a token for an unknown user → NotFound; an expiration in the past → InvalidArgument DOMAIN-dv3t5", () => {
    expectDomainError(() => addPersonalAccessToken(undefined, "t1", "d", new Date("2030-01-01T00:00:00Z"), NOW), "NotFound", "COMMAND-Dggw2");
    expectDomainError(() => addPersonalAccessToken(user, "t1", "d", new Date(NOW.getTime() - 1), NOW), "InvalidArgument", "DOMAIN-dv3t5");
  });

  test("removePersonalAccessToken emits user.personal.access.token.removed {tokenId}; unknown → NotFound", () => {
    expect(removePersonalAccessToken("u1", { id: "t1" }).events).toStrictEqual([onUser("user.personal.access.token.removed", { tokenId: "t1" })]);
    expectDomainError(() => removePersonalAccessToken("u1", undefined), "NotFound", "COMMAND-4m77G");
  });
});

describe("instance and instance members", () => {
  test("addInstance emits instance.added {name}", () => {
    expect(addInstance("i1", "keygate").events).toStrictEqual([
      { aggregateType: "instance", aggregateId: "i1", type: "instance.added", payload: { name: "keygate" } },
    ]);
  });

  test("addInstanceMember emits instance.member.added {userId, roles}", () => {
    expect(addInstanceMember("i1", "u1", ["IAM_OWNER"]).events).toStrictEqual([
      { aggregateType: "instance", aggregateId: "i1", type: "instance.member.added", payload: { userId: "u1", roles: ["IAM_OWNER"] } },
    ]);
  });
});
