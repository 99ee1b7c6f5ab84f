import { ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";

/*
 * Values the database cannot hold, whatever field they arrive in: they would fail in Postgres (a
 * NUL in text or jsonb, a uint64 past bigint) or be stored as something else than was sent (a
 * lone UTF-16 surrogate becomes U+FFFD). ZITADEL's protoc-gen-validate rules name none of these, as
 * Go's protobuf already refuses invalid UTF-8; here they are checked by field type, so every
 * request field, present or added later, is covered.
 */

const BIGINT_MAX = 2n ** 63n - 1n;
const UNSIGNED_64 = new Set([ScalarType.UINT64, ScalarType.FIXED64]);

/** protobuf's Timestamp range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z), in seconds. */
const TIMESTAMP_MIN_SECONDS = -62_135_596_800n;
const TIMESTAMP_MAX_SECONDS = 253_402_300_799n;
const NANOS_PER_SECOND = 1_000_000_000;

/** What is wrong with a scalar value of `field` (in PGV's words, after the field's name), or undefined. */
export function scalarProblem(field: DescField, value: unknown): string | undefined {
  if (typeof value === "string") return stringProblem(value);
  if (typeof value === "bigint" && isUnsigned64(field) && value > BIGINT_MAX) return `: value must be less than or equal to ${BIGINT_MAX}`;
  return undefined;
}

/** What is wrong with a well-known message (a Timestamp) as a whole, or undefined. */
export function wellKnownProblem(schema: DescMessage, message: Message): string | undefined {
  if (schema.typeName === TimestampSchema.typeName) {
    const { seconds, nanos } = message as unknown as { seconds: bigint; nanos: number };
    if (seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS || !validNanos(nanos)) {
      return ": value must be a valid timestamp between 0001-01-01 and 9999-12-31";
    }
  }
  return undefined;
}

function stringProblem(value: string): string | undefined {
  if (value.includes("\0")) return ": value must not contain the NUL character";
  if (!value.isWellFormed()) return ": value must be valid UTF-8";
  return undefined;
}

function isUnsigned64(field: DescField): boolean {
  return (field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar")) && UNSIGNED_64.has(field.scalar);
}

const validNanos = (nanos: number) => Number.isInteger(nanos) && nanos >= 0 && nanos < NANOS_PER_SECOND;
