import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Opaque, tamper-proof page cursors. A cursor carries the keyset position and is bound to the
 * query it came from (the user, sort and filters): a changed byte, or a cursor reused with other
 * filters or by someone else, is refused rather than silently giving a wrong page. The binding is
 * signed, not carried: a cursor shows nothing of the query or of whose it is.
 */
export function createCursorCodec(secret: string) {
  const key = createHmac("sha256", secret).update("todo page cursor v1").digest();
  const sign = (data: string, query: string) =>
    createHmac("sha256", key).update(data).update("\n").update(query).digest("base64url");

  return {
    encode(position: unknown, query: string): string {
      const data = Buffer.from(JSON.stringify(position)).toString("base64url");
      return `${data}.${sign(data, query)}`;
    },
    /** The position, or undefined when the cursor is forged, damaged or from another query. */
    decode(cursor: string, query: string): unknown {
      const [data = "", signature = ""] = cursor.split(".");
      const expected = Buffer.from(sign(data, query));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        return JSON.parse(Buffer.from(data, "base64url").toString()) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}

export type CursorCodec = ReturnType<typeof createCursorCodec>;
